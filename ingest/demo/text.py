"""Ingest layer (demo): the words of the demo organization — titles, bodies, symptoms, notes.

Pure data plus vectorised pickers; no store access, no metric. Bodies of ordinary PRs never
contain fix/revert/attribution phrases followed by a reference, so the only links the
reference parser finds are the ones the generator means.
"""

from __future__ import annotations

import numpy as np

VERBS = (
    "Add", "Refactor", "Speed up", "Simplify", "Harden", "Extend", "Clean up", "Rework",
    "Instrument", "Document", "Split", "Migrate",
)  # fmt: skip
QUALIFIERS = (
    "", "", "", " for EU customers", " behind a feature flag", " (part 2)", " in CI",
    " for the Q3 launch",
)  # fmt: skip

# Per team (in TEAMS order): things a PR touches, and bug symptoms a user would report.
OBJECTS = (
    ("refund flow", "card tokenization", "ledger reconciliation", "payout scheduler",
     "3-D Secure challenge", "invoice PDF renderer", "currency rounding", "webhook retries",
     "fraud score client", "settlement export", "chargeback handler", "idempotency keys"),
    ("Terraform modules", "Kubernetes autoscaler", "CI runner images", "service mesh config",
     "secrets rotation", "log shipping", "Helm charts", "backup jobs", "DNS automation",
     "alert routing", "node pool upgrades", "cost dashboards"),
    ("onboarding screens", "push notifications", "offline sync", "image cache",
     "deep links", "settings screen", "checkout sheet", "accessibility labels",
     "crash reporter", "dark mode", "login with passkeys", "feed pagination"),
    ("ingestion DAG", "dbt models", "event schema", "warehouse loader", "late-data handling",
     "partition pruning", "data quality checks", "CDC connector", "backfill script",
     "metrics export", "PII masking", "Airflow sensors"),
    ("pricing page", "signup funnel", "A/B test framework", "referral banner",
     "email capture", "landing page SEO", "trial upgrade modal", "analytics events",
     "promo codes", "onboarding checklist", "newsletter signup", "experiment dashboard"),
)  # fmt: skip
SYMPTOMS = (
    ("Duplicate refund issued on retry", "Card token expires too early",
     "Ledger totals off by one cent", "Payouts scheduled twice on DST change",
     "Invoice PDF missing VAT line", "Webhook retries never stop",
     "Settlement export drops last row", "Chargeback status stuck in pending"),
    ("Autoscaler thrashes under steady load", "CI runners fail to pull images",
     "Secrets rotation restarts every pod", "Logs missing for short-lived jobs",
     "Backup job silently skips volumes", "Alerts routed to the wrong channel",
     "Helm upgrade fails on fresh clusters", "DNS records not cleaned up"),
    ("App crashes on cold start offline", "Push notifications shown twice",
     "Images flicker while scrolling", "Deep link opens the wrong screen",
     "Checkout sheet cannot be dismissed", "Dark mode text unreadable in settings",
     "Passkey login loops on iOS 19", "Feed skips items after refresh"),
    ("Nightly DAG misses late events", "dbt model double-counts refunds",
     "Warehouse loader drops null columns", "Backfill overwrites current partition",
     "PII visible in the export table", "CDC connector lags by hours",
     "Quality check passes on empty table", "Metrics export has wrong timezone"),
    ("Pricing page shows old prices", "Signup fails with plus-sign emails",
     "Experiment assignment not sticky", "Referral banner covers the footer",
     "Promo code accepted twice", "Analytics events sent without consent",
     "Trial modal appears for paid users", "Newsletter form submits empty email"),
)  # fmt: skip

PR_BODIES = (
    "",
    "## Summary\n{title}.\n\n## Testing\n- unit tests\n- tried it on staging\n",
    "{title}.\n\nPart of this quarter's roadmap; see the design doc in the team folder.",
    "Small change, no behaviour change for users.",
    "## What\n{title}\n\n## Why\nRequested in planning; keeps the on-call load down.\n",
    "{title}. Screenshots in the thread.",
)
PR_BODY_WEIGHTS = (0.12, 0.34, 0.2, 0.12, 0.16, 0.06)
LABELS = ("feature", "enhancement", "refactor", "chore", "docs", "tests")
LABEL_WEIGHTS = (0.3, 0.25, 0.2, 0.12, 0.05, 0.08)

COPILOT_TRAILER = "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>"
CLAUDE_TRAILER = "Co-authored-by: Claude <noreply@anthropic.com>"
# How an AI-assisted PR shows it (index 0: label, 1: Copilot trailer, 2: Claude trailer).
# Spelled as ingest/github/mapping.py spells them, so demo and real data read alike.
AI_REASONS = (
    "label:ai-assisted",
    "trailer:Co-authored-by copilot",
    "trailer:Co-authored-by claude",
)
AI_TRAILERS = ("", COPILOT_TRAILER, CLAUDE_TRAILER)

# Defect bodies. {ref} names the PR that introduced it, {ref2} a second one.
ATTRIBUTED_BODIES = (
    "{symptom} since yesterday's deploy.\n\nIntroduced by #{n}",
    "Caused by {repo}#{n}. {symptom}; seen by two customers.",
    "Regression from https://github.com/{repo}/pull/{n}: {symptom}.",
    "{symptom}.\n\nBroken by #{n} and #{n2} (both touched this path).",
    "Regressed in #{n}\n\nSteps to reproduce: open the page, retry once.",
)
UNATTRIBUTED_BODIES = (
    "{symptom}. Reported by support; cause unknown.",
    "{symptom}.\n\nNo idea when this started.",
)
SEVERITIES = ("low", "medium", "high", "critical")
FIX_BODIES = (
    "Fixes #{d}",
    "Closes #{d}\n\nAdds a regression test.",
    "Resolves {repo}#{d}",
    "{symptom}: guard the edge case.\n\nFixes: #{d}",
)
REVERT_REASONS = (
    "Rolling back: breaks production, see the incident channel.",
    "Rolling back until the migration is fixed.",
)
DEPENDENCIES = (
    "lodash", "requests", "pydantic", "react-native", "terraform-aws", "boto3", "jest",
    "pandas", "axios", "urllib3",
)  # fmt: skip

CHECK_NAMES = ("unit-tests", "lint", "integration-tests", "CodeQL", "snyk/test", "e2e (ios)")
CHECK_WEIGHTS = (0.42, 0.14, 0.14, 0.14, 0.1, 0.06)

RECOGNITION_NOTES = {
    "quality_catch": (
        "Spotted an injection risk in AI-generated query code before it shipped.",
        "Caught a race condition in a generated retry loop during review.",
        "Flagged a secrets leak in a suggested config change.",
    ),
    "knowledge_multiplication": (
        "Shared a prompt template for migrations that the whole team now uses.",
        "Wrote the team's guide to reviewing AI-generated tests.",
    ),
    "honest_limitation_discovery": (
        "Documented where the assistant keeps getting timezone handling wrong.",
        "Showed the assistant's SQL for partitioned tables is unreliable; wrote it up.",
    ),
    "effective_mentoring": (
        "Paired weekly with a junior colleague, who reached Proficient in testing.",
        "Ran review sessions that helped two colleagues level up in debugging.",
    ),
    "process_improvement": (
        "Proposed the two-reviewer rule for large PRs; review depth went up.",
        "Added the security check to the merge queue; no more bypassed scans.",
    ),
}
EVIDENCE = (
    "Led the design review of a cross-team change.",
    "Debugged a production incident end to end.",
    "Wrote thorough tests for a risky migration.",
    "Explained the trade-offs of an AI-suggested design in review.",
    "Shared prompt patterns with the team.",
    "Caught a subtle issue in AI-generated code.",
    "Evaluated a new assistant and reported back.",
    "Onboarded a new colleague to the codebase.",
)


def pick(rng: np.random.Generator, weights: tuple[float, ...], size: int) -> np.ndarray:
    """Indices drawn with the given weights (normalised), vectorised."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def as_objects(values: tuple[str, ...] | list[str]) -> np.ndarray:
    """A 1-D object array of strings (so ``+`` concatenates element-wise)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def lists(values: list[list[str] | None]) -> np.ndarray:
    """A 1-D object array whose items are lists (pre-built choices shared by many rows)."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def fill(template: str, **columns: np.ndarray) -> np.ndarray:
    """Format ``template`` with element-wise columns, as an object array."""
    parts = template.replace("{", "\0{").replace("}", "}\0").split("\0")
    n = len(next(iter(columns.values())))
    out = np.full(n, "", dtype=object)
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            out = out + columns[part[1:-1]].astype(str).astype(object)
        elif part:
            out = out + part
    return out
