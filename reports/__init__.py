"""Reports layer: numbers -> documents, shared by pages, the CLI and the exports.

* :mod:`reports.document` — the blocks every report is made of (heading, paragraph,
  figure tile, table, bullets, chart, row, page break, speaker notes);
* builders, each reading one snapshot of the store and returning a document:
  :mod:`reports.review` (a person's quarterly review packet; its dimensions in
  :mod:`reports.dimensions`) and :mod:`reports.board` (the executive summary, groups only);
  quarters are :mod:`metrics.calendar`'s;
* renderers, which know blocks and nothing of reports: :mod:`reports.markdown`,
  :mod:`reports.pdf`, :mod:`reports.pptx` (the pages draw documents with ``ui_document``);
* :mod:`reports.formats` — the one table of export formats (CLI and download buttons);
* :mod:`reports.charts` — the documents' figures; :mod:`reports.figures` — the metrics
  pages' figures; :mod:`reports.tables`, :mod:`reports.person_view` and
  :mod:`reports.competency_view` — the Person and Competencies pages' tables and
  sentences; :mod:`reports.images` — figures to PNG offline (kaleido);
  :mod:`reports.format` — numbers and untrusted text as words.

Reports call only public functions of ``metrics`` and ``framework``: every number is
computed there; reports hold no SQL and no arithmetic on data.
"""
