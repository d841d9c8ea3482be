"""Reports layer: numbers -> plotly figures and documents, shared by pages and the CLI.

* :mod:`reports.review` — a person's quarterly review packet (data); :mod:`reports.board`
  — the board-ready executive summary (data, groups only); quarters are
  :mod:`metrics.calendar`'s.
* :mod:`reports.charts` — their figures (pages and exports draw the same ones);
  :mod:`reports.figures` — figures of the metrics pages; :mod:`reports.tables`,
  :mod:`reports.person_view` and :mod:`reports.competency_view` — the Person and
  Competencies pages' tables and sentences.
* :mod:`reports.markdown`, :mod:`reports.pdf`, :mod:`reports.pptx` — the exports;
  :mod:`reports.images` — figures to PNG offline (kaleido).

Reports call only public functions of ``metrics`` and ``framework``; no SQL here.
"""
