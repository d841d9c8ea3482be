"""Store layer: the store's schema as versioned migrations. Pure DDL; no reads of data.

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
            inline_comment_count  integer not null default 0,
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
    "sync_state",
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
    "sync_state": "last_synced_at",
}
