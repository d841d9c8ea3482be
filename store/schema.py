"""Store layer: the store's schema as versioned migrations. DDL, and the backfill of derived keys.

Each migration is applied once, in order, inside the transaction that records it in
``schema_migrations``. A database whose highest recorded version is above
``SCHEMA_VERSION`` was written by a newer teamlens and is refused (see ``store.py``).

There is deliberately no column, anywhere, for AI suggestion acceptance or AI usage
counts (METRICS.md, "Refused metrics"); ``tests/store/test_store.py`` holds that line.
"""

from __future__ import annotations

# Provenance columns carried by every ingested row (DevLake's _raw_data_* idea).
PROVENANCE = """
    source      varchar not null,
    source_url  varchar,
    fetched_at  timestamptz not null
"""

# Fills pr_key and first_commit_at (migration 4) for every stored PR and child row: the
# migration of an existing store, and a bulk load that wrote rows without them.
PR_KEYS_BACKFILL = """
update pull_requests set pr_key = k.pr_key
from (
    select pr_id, row_number() over (order by pr_id) as pr_key from pull_requests
) as k
where k.pr_id = pull_requests.pr_id;

update pull_requests set first_commit_at = c.first_commit_at
from (
    select pr_id, min(authored_at) as first_commit_at from pr_commits group by pr_id
) as c
where c.pr_id = pull_requests.pr_id;

update pr_commits set pr_key = p.pr_key
from pull_requests as p where p.pr_id = pr_commits.pr_id;
update reviews set pr_key = p.pr_key
from pull_requests as p where p.pr_id = reviews.pr_id;
update pr_events set pr_key = p.pr_key
from pull_requests as p where p.pr_id = pr_events.pr_id;
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "initial store",
        f"""
        create table meta (
            key   varchar primary key,
            value varchar
        );

        create table repositories (
            repo        varchar primary key,   -- 'owner/name' as the source spells it
            owner       varchar not null,
            name        varchar not null,
            url         varchar,
            {PROVENANCE}
        );

        create table teams (
            team              varchar primary key,
            ai_adoption_date  date,            -- null: the team has not adopted AI tools
            {PROVENANCE}
        );

        create table team_repositories (
            team  varchar not null,
            repo  varchar not null,            -- a repository the team owns
            {PROVENANCE},
            primary key (team, repo)
        );

        create table people (
            login       varchar primary key,
            name        varchar,
            level       varchar check (level in ('junior', 'mid', 'senior', 'staff')),
            started_on  date,
            is_bot      boolean not null default false,
            {PROVENANCE}
        );

        create table team_memberships (
            login       varchar not null,
            team        varchar not null,
            valid_from  date not null default date '0001-01-01',
            valid_to    date,                  -- exclusive; null: still a member
            {PROVENANCE},
            primary key (login, valid_from)
        );

        create table pull_requests (
            pr_id               varchar primary key,  -- 'owner/repo#N'
            repo                varchar not null,
            number              integer not null,
            url                 varchar,
            title               varchar,
            body                varchar,
            author_login        varchar not null,     -- 'ghost' for a deleted account
            is_author_bot       boolean not null default false,
            state               varchar,              -- OPEN, CLOSED, MERGED
            is_draft            boolean not null default false,  -- draft now
            is_opened_as_draft  boolean not null default false,
            created_at          timestamptz not null,
            merged_at           timestamptz,
            closed_at           timestamptz,
            updated_at          timestamptz,
            base_ref            varchar,
            head_sha            varchar,
            additions           integer,
            deletions           integer,
            changed_files       integer,
            labels              varchar[],
            is_ai_assisted      boolean not null default false,
            ai_assisted_reason  varchar,              -- label:…, trailer:…, footer:…
            check_state         varchar,              -- head commit rollup state at merge
            failing_checks      varchar[],            -- names of the failing checks/statuses
            {PROVENANCE}
        );

        create table pr_commits (
            pr_id         varchar not null,
            sha           varchar not null,
            authored_at   timestamptz,
            committed_at  timestamptz,
            author_login  varchar,
            message       varchar,  -- kept only when it carries trailers or references
            {PROVENANCE},
            primary key (pr_id, sha)
        );

        create table reviews (
            review_id             varchar primary key,
            pr_id                 varchar not null,
            reviewer_login        varchar not null,  -- 'ghost' for a deleted account
            is_reviewer_bot       boolean not null default false,
            state                 varchar not null,  -- APPROVED, CHANGES_REQUESTED, COMMENTED,
                                                     -- DISMISSED, PENDING
            submitted_at          timestamptz,
            is_body_empty         boolean not null default true,
            inline_comment_count  integer not null default 0,  -- nullable since migration 5
            is_dismissed          boolean not null default false,
            {PROVENANCE}
        );

        create table pr_events (
            event_id               varchar primary key,
            pr_id                  varchar not null,
            event_type             varchar not null,  -- ready_for_review, convert_to_draft,
                                                      -- review_dismissed
            created_at             timestamptz not null,
            actor_login            varchar,
            previous_review_state  varchar,           -- review_dismissed only
            review_id              varchar,           -- review_dismissed only
            {PROVENANCE}
        );

        create table defects (
            defect_id    varchar primary key,  -- 'owner/repo#N' (GitHub) or the tracker key
            key          varchar not null,
            repo         varchar,
            title        varchar,
            body         varchar,
            reported_at  timestamptz not null,
            resolved_at  timestamptz,
            severity     varchar,
            labels       varchar[],
            url          varchar,
            {PROVENANCE}
        );

        -- References read from text or given by a source. The target is kept as written
        -- (a PR or issue reference, a tracker key, or a revert's title) and resolved to
        -- pull requests by the metrics layer, as of its own time.
        create table links (
            link_type      varchar not null,  -- introduced_by (defect -> PR),
                                              -- fixes (PR -> defect), reverts (PR -> PR)
            from_id        varchar not null,  -- defect_id or pr_id
            target         varchar not null,  -- 'owner/repo#N', a tracker key, or 'title:<t>'
            target_repo    varchar,
            target_number  integer,
            target_key     varchar,
            target_title   varchar,
            method         varchar not null,  -- text, closing_reference, import, revert_body,
                                              -- revert_title
            {PROVENANCE},
            primary key (link_type, from_id, target)
        );

        create table competency_assessments (
            assessment_id  varchar primary key,
            login          varchar not null,
            competency     varchar not null,
            level          integer not null,
            assessed_on    date not null,
            assessor       varchar,
            assessor_role  varchar,  -- self or manager
            evidence       varchar,
            {PROVENANCE}
        );

        create table recognitions (
            recognition_id  varchar primary key,
            login           varchar not null,
            behaviour       varchar not null,
            format          varchar not null,
            recognized_on   date not null,
            note            varchar,
            pr_url          varchar,
            {PROVENANCE}
        );

        create table sync_state (
            source          varchar not null,  -- github, demo, import:people, …
            scope           varchar not null,  -- a repository, a file, or '*'
            stream          varchar not null,  -- pull_requests, issues, rows, …
            cursor          varchar,           -- where to resume (updatedAt, endCursor)
            last_synced_at  timestamptz not null,
            status          varchar not null,  -- running, complete
            detail          varchar,
            primary key (source, scope, stream)
        );

        create index pull_requests_merged on pull_requests (merged_at);
        create index reviews_pr on reviews (pr_id);
        create index pr_commits_pr on pr_commits (pr_id);
        create index pr_events_pr on pr_events (pr_id);
        """,
    ),
    (
        2,
        "git history, commit-to-PR ties and SZZ analyses",
        f"""
        -- What GitHub says links a PR to git history: its merge, squash or (last) rebased
        -- commit on the base branch, and the branch it came from (tracker keys live there).
        alter table pull_requests add column merge_commit_sha varchar;
        alter table pull_requests add column head_ref varchar;
        -- links gains fixes read from commit messages: from_id 'owner/name@sha',
        -- method 'commit_message' (written by teamlens ingest git).

        -- Commits read from a local clone (teamlens ingest git), from the object database.
        create table git_commits (
            repo           varchar not null,    -- 'owner/name'
            sha            varchar not null,
            parents        varchar[] not null,  -- first parent first; [] for a root commit
            author_name    varchar,
            author_email   varchar,
            authored_at    timestamptz,
            committed_at   timestamptz,
            message        varchar,             -- the whole message, trailers included
            trailers       struct(key varchar, value varchar)[],  -- the message's last
                                                                 -- paragraph of Key: value
            is_merge       boolean not null,
            files_changed  integer not null,    -- files in the diff against the first parent
            {PROVENANCE},
            primary key (repo, sha)
        );

        -- Per file, the lines a commit changed against its first parent (for a merge: the
        -- whole change the merge brought). Ranges are [start, count] pairs of line numbers,
        -- deleted ones at the parent, added ones at the commit. Used to trace defects
        -- (SZZ), never shown as a size or volume.
        create table git_file_changes (
            repo           varchar not null,
            sha            varchar not null,
            path           varchar not null,   -- path at the commit (at the parent if deleted)
            old_path       varchar,            -- path at the parent, on a rename or copy
            change_type    varchar not null,   -- A added, M modified, D deleted, R renamed,
                                               -- C copied, T type changed
            is_binary      boolean not null default false,
            deleted_ranges integer[][],        -- null: the content could not be read
            added_ranges   integer[][],
            {PROVENANCE},
            primary key (repo, sha, path)
        );

        -- Which pull request a commit belongs to, each tie with how it was found:
        -- pr_commit (GitHub lists the commit among the PR's commits), merge_commit (the
        -- PR's merge_commit_sha), rebased (a rebase-merged copy of a PR commit: same
        -- author date and subject), squash_title ('Title (#N)' on the mainline),
        -- merge_title ('Merge pull request #N from ...'), cherry_pick (the earlier of
        -- 'Title (#orig) (#pick)': the PR the change was picked from). A commit may have
        -- several; ingest/git/ties.py says which one attribution prefers.
        create table commit_pull_requests (
            repo       varchar not null,
            sha        varchar not null,
            pr_number  integer not null,
            pr_id      varchar not null,     -- 'owner/repo#N' (the PR may not be stored)
            method     varchar not null,
            {PROVENANCE},
            primary key (repo, sha, pr_number, method)
        );

        -- One row per fix commit analysed by SZZ (ingest/git/szz.py): traced, adds_only
        -- (nothing deleted or changed: untraceable, never guessed), nothing_to_trace
        -- (only tests, docs, lock files, blank or comment lines), too_tangled (too many
        -- files to blame), or unreadable (the fix or its parent is not in the clone).
        create table szz_fixes (
            repo            varchar not null,
            fix_sha         varchar not null,
            status          varchar not null,
            reason          varchar,           -- why, in words, for any status
            files_changed   integer not null,  -- files the fix changed
            files_traced    integer not null,  -- of them, blamed (not skipped)
            lines_traced    integer not null,  -- deleted/changed lines traced to a commit
            candidates      integer not null,  -- distinct commits those lines lead to
            tangle_factor   double not null,   -- in (0, 1]; 1 for a focused fix
            algorithm       varchar not null,  -- version of the analysis (re-run when it
                                               -- changes)
            analysed_at     timestamptz not null,
            {PROVENANCE},
            primary key (repo, fix_sha)
        );

        -- The evidence: each line the fix deleted or changed, at the fix's parent, and
        -- the commit (path, line) blame leads it to; or why it was not traced. line 0
        -- stands for a whole file skipped (a test, lock, generated or fixture file).
        create table szz_lines (
            repo          varchar not null,
            fix_sha       varchar not null,
            path          varchar not null,   -- at the fix's parent
            line          integer not null,   -- at the fix's parent; 0: the whole file
            blamed_sha    varchar,            -- null when skipped
            blamed_path   varchar,
            blamed_line   integer,
            skip_reason   varchar,            -- blank, comment, test, lock file,
                                              -- generated, fixture, documentation, ...
            {PROVENANCE},
            primary key (repo, fix_sha, path, line)
        );

        -- The commits a fix's lines lead to, with their confidence in (0, 1]: the share
        -- of the fix's traced lines that lead to the commit times the fix's tangle
        -- factor (docs/how-we-measure.md). The date filter (committed before the defect
        -- was reported) and the as-of rule are applied by the metrics layer.
        create table szz_candidates (
            repo           varchar not null,
            fix_sha        varchar not null,
            commit_sha     varchar not null,
            committed_at   timestamptz,
            authored_at    timestamptz,
            lines          integer not null,   -- traced lines leading to this commit
            confidence     double not null,
            is_in_window   boolean not null,   -- committed close to the fix's most recent
                                               -- candidate (lag <= 2 x least lag + 30 days):
                                               -- only these are blamed; recompute after
                                               -- dropping candidates made after the report
            {PROVENANCE},
            primary key (repo, fix_sha, commit_sha)
        );

        create index git_commits_committed on git_commits (committed_at);
        create index commit_pull_requests_pr on commit_pull_requests (pr_id);
        create index szz_candidates_commit on szz_candidates (commit_sha);
        """,
    ),
    (
        3,
        "sign-in: who may see what, and the audit trail",
        f"""
        -- Who may see what once sign-in is on (`teamlens import access FILE.csv`): an
        -- account's verified e-mail (lower case), its role, the person it is (required
        -- for an engineer) and the teams a manager leads. The file replaces the table.
        create table access (
            email   varchar primary key,
            role    varchar not null
                    check (role in ('engineer', 'manager', 'executive', 'admin')),
            login   varchar,                 -- a person in people, stored spelling
            teams   varchar[] not null,      -- teams in teams; [] when none
            {PROVENANCE}
        );

        -- What the app did for whom: a person page or a packet opened, a packet
        -- exported, an assessment or recognition saved. Only ever appended to; the app
        -- shows it to admins and never edits it.
        create table audit (
            "at"     timestamptz not null,  -- quoted: AT is a keyword of DuckDB's SQL
            email    varchar not null,       -- the signed-in account ('local' without sign-in)
            action   varchar not null,
            subject  varchar                 -- what it was about: a login, a quarter, a format
        );

        create index audit_at on audit ("at");
        """,
    ),
    (
        4,
        "integer PR keys, each PR's first commit time, and the data token",
        f"""
        -- pr_key: an integer standing for pr_id in the PR's own row and in each of its
        -- commits, reviews and events (the fact build joins and groups millions of those
        -- rows: integers cost a fraction of text keys). first_commit_at: the earliest
        -- authored date among the PR's commits (METRICS.md), kept with the PR so the fact
        -- build need not group every commit. ingest.writer sets both whenever it writes a
        -- PR (it replaces a PR's children whole); this migration fills existing stores.
        -- The data token: a random id of this store and a counter of its write
        -- transactions (every one but the audit trail's bumps it, store/connection.py);
        -- the key of every cache of figures. One row, written with the first write.
        create table data_token (
            store_id  varchar not null,
            writes    bigint not null
        );

        alter table pull_requests add column pr_key bigint;
        alter table pull_requests add column first_commit_at timestamptz;
        alter table pr_commits add column pr_key bigint;
        alter table reviews add column pr_key bigint;
        alter table pr_events add column pr_key bigint;

        {PR_KEYS_BACKFILL}
        """,
    ),
    (
        5,
        "reviews: an inline comment count may be unknown (null)",
        """
        -- The GitHub sync asks for a review's inline comment count only where it can
        -- matter (an empty-bodied approval of a large merged change: METRICS.md's rubber
        -- stamp); elsewhere it stores null, "not fetched", rather than a 0 it never saw.
        -- DuckDB will not alter a column of a table an index depends on: drop and rebuild.
        drop index reviews_pr;
        alter table reviews alter column inline_comment_count drop not null;
        create index reviews_pr on reviews (pr_id);
        """,
    ),
    (
        6,
        "saved facts: the metrics layer's fact tables kept in the store for the dashboard",
        """
        -- fact_writes: bumped by every write that can change a fact table (not by the
        -- assessments', recognitions', access list's or audit's). Schema `facts`: the
        -- fact tables as built at a few as-ofs, a slot each (metrics/saved_facts.py).
        alter table data_token add column fact_writes bigint;
        update data_token set fact_writes = writes;
        create schema facts;
        create table facts.saved (
            slot integer primary key, as_of timestamptz not null,
            settings varchar not null,  -- the fact steps' other parameters, as JSON
            store_id varchar not null, fact_writes bigint not null,  -- their fact token
            built_at timestamptz not null, seconds double not null
        );
        """,
    ),
)

SCHEMA_VERSION: int = MIGRATIONS[-1][0]

# The tables a user sees in `teamlens db info` and on the Data sources page, in order.
USER_TABLES: tuple[str, ...] = (
    "repositories",
    "teams",
    "team_repositories",
    "people",
    "team_memberships",
    "pull_requests",
    "pr_commits",
    "reviews",
    "pr_events",
    "defects",
    "links",
    "competency_assessments",
    "recognitions",
    "git_commits",
    "git_file_changes",
    "commit_pull_requests",
    "szz_fixes",
    "szz_lines",
    "szz_candidates",
    "sync_state",
)

# Who may see what, and what the app did for whom (migration 3): not data the metrics
# read, so not among the user tables above; admins see them on the Data sources page.
ACCESS_TABLES: tuple[str, ...] = ("access", "audit")

# The tables `teamlens ingest git` writes (migration 2); the demo does not build them yet.
GIT_TABLES: tuple[str, ...] = (
    "git_commits",
    "git_file_changes",
    "commit_pull_requests",
    "szz_fixes",
    "szz_lines",
    "szz_candidates",
)

# The column that dates a table's rows, for date ranges in `db info`.
DATE_COLUMNS: dict[str, str] = {
    "pull_requests": "created_at",
    "pr_commits": "authored_at",
    "reviews": "submitted_at",
    "pr_events": "created_at",
    "defects": "reported_at",
    "competency_assessments": "assessed_on",
    "recognitions": "recognized_on",
    "git_commits": "committed_at",
    "szz_fixes": "analysed_at",
    "sync_state": "last_synced_at",
}
