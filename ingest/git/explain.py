"""Ingest layer: what ``teamlens szz`` prints for a lead asking "why is this PR blamed?".

Pure functions over :class:`ingest.git.szz.FixAnalysis`: the JSON contract
(``{"fixes": [{"fix", "status", "reason", "inducing": [{"commit", "confidence", "pr",
"evidence": [{"file", "line", "commit"}]}], "dropped": [...]}]}``) and a readable table.
Evidence lines are the fix's lines at its parent (``file``, ``line``) and the commit blame
led them to, with the line's path and number there (``blamed_file``, ``blamed_line``).
"""

from __future__ import annotations

from typing import Any

from ingest.git.szz import FixAnalysis

EVIDENCE_SHOWN = 5  # lines of evidence per blamed commit in the table


def fix_json(result: FixAnalysis, prs: dict[str, int | None]) -> dict[str, Any]:
    """One fix's entry of the JSON output."""
    return {
        "fix": result.fix,
        "status": result.status,
        "reason": result.reason,
        "inducing": [
            {
                "commit": c.sha,
                "confidence": c.confidence,
                "pr": prs.get(c.sha),
                "committed_at": c.committed_at.isoformat(),
                "lines": c.lines,
                "evidence": [
                    {
                        "file": e.path,
                        "line": e.line,
                        "commit": e.blamed_sha,
                        "blamed_file": e.blamed_path,
                        "blamed_line": e.blamed_line,
                    }
                    for e in c.evidence
                ],
            }
            for c in result.candidates
        ],
        "dropped": [{"commit": sha, "why": why} for sha, why in sorted(result.dropped.items())],
        "skipped": _skipped(result),
    }


def _skipped(result: FixAnalysis) -> list[dict[str, Any]]:
    return [
        {"file": line.path, "line": line.line or None, "why": line.skip_reason}
        for line in result.lines
        if line.skip_reason is not None
    ]


def as_json(results: list[FixAnalysis], prs: dict[str, int | None]) -> dict[str, Any]:
    """The whole JSON document."""
    return {"fixes": [fix_json(r, prs) for r in results]}


def as_text(results: list[FixAnalysis], prs: dict[str, int | None]) -> str:
    """A readable table per fix: blamed commits by confidence, with their evidence."""
    out: list[str] = []
    for result in results:
        out.append(f"fix {result.fix[:12]}  {result.status}: {result.reason}")
        if result.candidates:
            out.append(f"  {'commit':12}  {'confidence':>10}  {'PR':>7}  {'lines':>5}  committed")
        for c in result.candidates:
            pr = prs.get(c.sha)
            out.append(
                f"  {c.sha[:12]}  {c.confidence:10.2f}  {('#' + str(pr)) if pr else '-':>7}  "
                f"{c.lines:5d}  {c.committed_at:%Y-%m-%d}"
            )
            for e in c.evidence[:EVIDENCE_SHOWN]:
                out.append(
                    f"      {e.path}:{e.line} <- {e.blamed_path}:{e.blamed_line} ({c.sha[:8]})"
                )
            if len(c.evidence) > EVIDENCE_SHOWN:
                out.append(f"      … and {len(c.evidence) - EVIDENCE_SHOWN} more lines")
        for sha, why in sorted(result.dropped.items()):
            out.append(f"  not blamed {sha[:12]}: {why}")
        skipped: dict[str, int] = {}
        for line in result.lines:
            if line.skip_reason:
                skipped[line.skip_reason] = skipped.get(line.skip_reason, 0) + 1
        if skipped:
            out.append(
                "  skipped: " + ", ".join(f"{why} ({n})" for why, n in sorted(skipped.items()))
            )
        out.append("")
    return "\n".join(out)
