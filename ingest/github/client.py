"""Ingest layer: the only module that touches PyGithub. Auth, retries, rate-limit waits; no rows.

PyGithub carries the connection (auth header, base URL, GitHub Enterprise's ``/api/v3``
and ``/api/graphql``, JSON decoding, REST pagination); this module owns the policy, because
PyGithub's defaults are not what teamlens promises (DESIGN.md, "Facts about our stack"):

* PyGithub's ``GithubRetry`` retries 5xx at once with no backoff, ends in a
  ``requests.exceptions.RetryError`` and waits out a primary rate limit with no cap; a
  GraphQL ``RATE_LIMITED`` error (HTTP 200 with ``errors``) is not retried at all. So we
  turn PyGithub's retries off (``retry=None``) and run one loop here for every request:
  primary rate limit (403/429 with ``X-RateLimit-Remaining: 0``, or GraphQL
  ``RATE_LIMITED``) -> wait until the reset the server gives, saying how long; secondary
  rate limit -> wait ``Retry-After`` (a minute, doubling, when the server gives none);
  5xx, timeouts and dropped connections -> retry with exponential backoff, then one clear
  error; 401 -> :class:`BadCredentialsError`; an unknown repository ->
  :class:`UnknownRepositoryError`.
* An answer that cannot be used — JSON cut short (a proxy or a dropped connection), an
  HTML error page sent with status 200 (PyGithub hands such a body back as
  ``{"data": "<html>…"}``), an empty body, or JSON that is not the shape the query asked
  for — is retried with the same backoff as a 5xx, saying why; if it persists the run
  stops with :class:`MalformedResponseError` (exit 2). Nothing from such an answer is
  written, so the checkpoint of the last good page stands and a rerun resumes there.
* PyGithub spaces requests 0.25 s and POSTs (so every GraphQL query) 1 s apart by
  default. Our queries are serial reads, so we space them ``min_interval`` (0.1 s for
  GitHub, 0 for a server on this machine).
* ``import github`` logs to stderr; its logger is raised to ERROR so that nothing of a
  request (headers included) is ever printed.

The token is held by PyGithub's ``Auth.Token`` only; every message this module builds
passes through :func:`_redact`, so the token never reaches a log, an exception or output.
"""

from __future__ import annotations

import contextlib
import logging
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException

from ingest.github.documents import QUERY_NAMES as QUERY_NAMES  # re-exported
from ingest.github.documents import batched_query, query
from settings import InputError

DEFAULT_API_URL = "https://api.github.com"

logging.getLogger("github").setLevel(logging.ERROR)
logging.getLogger("urllib3").setLevel(logging.ERROR)


class GitHubError(Exception):
    """GitHub could not be used (it kept failing, or answered something unusable). Exit 1.

    ``transient``: GitHub kept failing with 5xx or timeouts (a lighter query may pass).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class MalformedResponseError(InputError):
    """GitHub kept answering something unusable (cut JSON, an HTML page, the wrong shape).

    Raised after the retries, so the CLI exits 2 with this one line. Not a
    :class:`GitHubError`: a page that keeps coming back broken is not asked again smaller.
    """


class _UnusableAnswerError(Exception):
    """One answer that cannot be used; ``reason`` completes "GitHub's answer for X …"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RateLimitTooLongError(GitHubError):
    """The rate limit resets later than the longest wait allowed."""


class BadCredentialsError(InputError):
    """GitHub refused the token (401)."""


class UnknownRepositoryError(InputError):
    """A repository or organization that does not exist or the token cannot see."""


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often to wait. Tests shrink it; users keep the defaults."""

    attempts: int = 6  # for 5xx, timeouts and dropped connections (1 + 5 retries)
    backoff_s: float = 2.0  # first retry after 2 s, then 4, 8, 16, 32
    max_backoff_s: float = 60.0
    secondary_wait_s: float = 60.0  # GitHub: wait at least a minute without Retry-After
    max_rate_limit_wait_s: float = 3600.0
    max_rate_limit_waits: int = 20  # in a row, for one request


def _is_loopback(api_url: str) -> bool:
    host = urllib.parse.urlparse(api_url).hostname or ""
    return host in ("127.0.0.1", "localhost", "::1")


def _header(headers: dict[str, Any] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return str(value)
    return None


def _message(data: Any) -> str:
    if isinstance(data, dict):
        if isinstance(data.get("message"), str):
            return data["message"]
        errors = data.get("errors")
        if isinstance(errors, list):
            return "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict))
    return ""


class GitHubClient:
    """A GitHub connection with teamlens' retry and rate-limit policy.

    Args:
        token: a personal access token (or any token GitHub accepts as ``token``).
        api_url: ``https://api.github.com``, ``https://HOST/api/v3`` for GitHub Enterprise,
            or a local server in tests.
        timeout_s: seconds to wait for one response.
        policy: retry and wait limits.
        sleep, clock: injectable so tests need not wait for real.
        progress: receives one line whenever the client waits, and why.
        min_interval_s: spacing between requests (default 0.1 s; 0 on this machine).
    """

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_API_URL,
        *,
        timeout_s: float = 30.0,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        progress: Callable[[str], None] | None = None,
        min_interval_s: float | None = None,
    ) -> None:
        if not token or not token.strip():
            raise BadCredentialsError("no GitHub token: set GITHUB_TOKEN or pass --token-file FILE")
        self._token = token.strip()
        self.api_url = api_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._progress = progress or (lambda _line: None)
        interval = min_interval_s
        if interval is None:
            interval = 0.0 if _is_loopback(self.api_url) else 0.1
        self._gh = Github(
            base_url=self.api_url,
            auth=Auth.Token(self._token),
            timeout=max(1, round(timeout_s)),  # PyGithub insists on whole seconds
            retry=None,  # our loop below, not GithubRetry (see the module docstring)
            per_page=100,
            seconds_between_requests=interval,
            seconds_between_writes=interval,
        )
        self.requests_used = 0
        self.rate_remaining: int | None = None
        self.points_used = 0  # GraphQL rate-limit points, as each answer's rateLimit.cost says
        self.waited_s = 0.0

    # -- public API -----------------------------------------------------------------

    def graphql(
        self,
        name: str,
        variables: dict[str, Any],
        *,
        what: str,
        attempts: int | None = None,
        parse: Callable[[dict[str, Any]], Any] | None = None,
        batch: tuple[tuple[str, int], ...] | None = None,
    ) -> Any:
        """Run the named query; return its ``data`` (or what ``parse`` makes of it).

        Args:
            what: the subject, for messages ("repository acme/api").
            attempts: give up on 5xx/timeouts after this many tries instead of the policy's
                (the caller has a lighter query to fall back on).
            parse: turns ``data`` into what the caller needs; a ``ValueError`` it raises
                (a missing field, a bad date) marks the answer malformed, and it is asked
                again like a cut one.
            batch: send :func:`batched_query` of these parts instead of ``name``'s
                document (``name`` then only names the subject in messages).

        Raises:
            BadCredentialsError, UnknownRepositoryError, MalformedResponseError (InputError,
            exit 2); RateLimitTooLongError, GitHubError (exit 1).
        """
        document = batched_query(batch) if batch else query(name)

        def run() -> Any:
            try:
                headers, body = self._gh.requester.graphql_query(document, variables)
            except ValueError:  # PyGithub's json.loads of a body that starts like JSON
                raise _UnusableAnswerError("was cut short (not valid JSON)") from None
            except TypeError:  # an empty body: PyGithub looks for "errors" in None
                raise _UnusableAnswerError("was empty") from None
            self._note_headers(headers)
            data = body.get("data") if isinstance(body, dict) else None
            if isinstance(data, str):  # PyGithub wraps a body that is not JSON this way
                raise _UnusableAnswerError("was not JSON (a web page or plain text)")
            if not isinstance(data, dict):
                raise _UnusableAnswerError("has no GraphQL data object")
            cost = (data.get("rateLimit") or {}).get("cost")
            if isinstance(cost, int) and not isinstance(cost, bool):
                self.points_used += cost
            if parse is None:
                return data
            try:
                return parse(data)
            except ValueError as exc:
                raise _UnusableAnswerError(f"is malformed ({exc})") from None

        return self._call(run, what=what, attempts=attempts)

    def organization_repositories(self, org: str) -> list[str]:
        """Every repository of ``org`` as 'owner/name' (REST, 100 a page)."""
        # Straight on /orgs/{org}/repos: Organization.get_repos() would first GET /orgs/{org}
        # to complete the object, one request for nothing.
        path = f"/orgs/{urllib.parse.quote(org)}/repos"

        def names_on(page: int) -> list[str]:
            try:
                _headers, data = self._gh.requester.requestJsonAndCheck(
                    "GET", path, parameters={"type": "all", "per_page": 100, "page": page}
                )
            except ValueError:  # PyGithub's json.loads of a body that starts like JSON
                raise _UnusableAnswerError("was cut short (not valid JSON)") from None
            if not isinstance(data, list):  # an HTML page comes back as {"data": "<html>…"}
                raise _UnusableAnswerError("is not a list of repositories")
            names = [r.get("full_name") if isinstance(r, dict) else None for r in data]
            if not all(isinstance(n, str) and "/" in n for n in names):
                raise _UnusableAnswerError("is not a list of repositories")
            return names

        names: list[str] = []
        page = 1
        while True:
            chunk = self._call(lambda p=page: names_on(p), what=f"organization {org}")
            self._note_headers(None)
            names.extend(chunk)
            if len(chunk) < 100:
                return names
            page += 1

    def close(self) -> None:
        """Close the HTTP connections."""
        self._gh.close()

    # -- the policy -----------------------------------------------------------------

    def _note_headers(self, headers: dict[str, Any] | None) -> None:
        remaining = _header(headers, "x-ratelimit-remaining")
        if remaining is None:
            remaining_pair = getattr(self._gh.requester, "rate_limiting", (-1, -1))
            if remaining_pair and remaining_pair[0] >= 0:
                self.rate_remaining = int(remaining_pair[0])
            return
        with contextlib.suppress(ValueError):
            self.rate_remaining = int(float(remaining))

    def _wait(self, seconds: float, why: str) -> None:
        seconds = max(0.0, seconds)
        until = datetime.fromtimestamp(self._clock() + seconds, UTC).strftime("%H:%M:%S UTC")
        self._progress(f"waiting {seconds:.0f} s (until {until}): {why}")
        self.waited_s += seconds
        self._sleep(seconds)

    def _rate_limit_wait(self, headers: dict[str, Any] | None, what: str) -> None:
        reset = _header(headers, "x-ratelimit-reset")
        if reset is None:
            wait = self.policy.secondary_wait_s
        else:
            try:
                wait = float(reset) - self._clock() + 1.0  # one second past the reset
            except ValueError:
                wait = self.policy.secondary_wait_s
        if wait > self.policy.max_rate_limit_wait_s:
            at = datetime.fromtimestamp(self._clock() + wait, UTC).strftime("%Y-%m-%d %H:%M UTC")
            raise RateLimitTooLongError(
                f"GitHub's rate limit is used up and resets in {wait / 60:.0f} min, longer than "
                f"the {self.policy.max_rate_limit_wait_s / 60:.0f} min teamlens waits; "
                f"run again after {at} (the sync resumes where it stopped)"
            )
        self._wait(wait, f"GitHub's primary rate limit is used up ({what}); it resets then")

    def _call(self, func: Callable[[], Any], *, what: str, attempts: int | None = None) -> Any:
        failures = 0
        unusable = 0
        limit_waits = 0
        secondary_wait = self.policy.secondary_wait_s
        while True:
            self.requests_used += 1
            try:
                return func()
            except GithubException as exc:
                status, headers, data = exc.status, exc.headers or {}, exc.data
                self._note_headers(headers)
                kind = self._classify(status, headers, data)
                if kind in ("primary", "secondary"):
                    limit_waits += 1
                    if limit_waits > self.policy.max_rate_limit_waits:
                        raise GitHubError(
                            f"GitHub kept rate-limiting teamlens ({what}) after "
                            f"{limit_waits - 1} waits; try again later"
                        ) from None
                    if kind == "primary":
                        self._rate_limit_wait(headers, what)
                        continue
                    retry_after = _header(headers, "retry-after")
                    if retry_after is not None and retry_after.strip().isdigit():
                        wait = float(retry_after)
                    else:
                        wait, secondary_wait = secondary_wait, secondary_wait * 2
                    self._wait(wait, f"GitHub's secondary rate limit ({what}): Retry-After")
                    continue
                if kind == "retry":
                    failures += 1
                    self._backoff(failures, f"GitHub answered HTTP {status}", what, attempts)
                    continue
                raise self._final_error(kind, status, data, what) from None
            except _UnusableAnswerError as exc:
                unusable += 1
                self._retry_unusable(unusable, exc.reason, what)
            except (
                requests.exceptions.Timeout,
                requests.exceptions.ConnectionError,
                requests.exceptions.ChunkedEncodingError,  # the connection broke mid-answer
            ) as exc:
                failures += 1
                if isinstance(exc, requests.exceptions.Timeout):
                    reason = "GitHub did not answer in time"
                elif isinstance(exc, requests.exceptions.ChunkedEncodingError):
                    reason = "the connection to GitHub broke off mid-answer"
                else:
                    reason = "the connection to GitHub failed"
                self._backoff(failures, reason, what, attempts)

    def _backoff(self, failures: int, reason: str, what: str, attempts: int | None) -> None:
        if failures >= (attempts or self.policy.attempts):
            raise GitHubError(
                _redact(
                    f"{reason} for {what} {failures} times in a row; giving up "
                    f"(GitHub may be down: try again later, the sync resumes where it stopped)",
                    self._token,
                ),
                transient=True,
            )
        wait = min(self.policy.backoff_s * 2 ** (failures - 1), self.policy.max_backoff_s)
        self._wait(wait, f"{reason} ({what}); retry {failures} of {self.policy.attempts - 1}")

    def _retry_unusable(self, count: int, reason: str, what: str) -> None:
        """Wait before asking again for an answer that could not be used, or give up."""
        attempts = self.policy.attempts
        if count >= attempts:
            raise MalformedResponseError(
                _redact(
                    f"GitHub's answer for {what} {reason}, {count} times in a row; nothing "
                    f"from it was written (run again later: the sync resumes where it stopped)",
                    self._token,
                )
            )
        wait = min(self.policy.backoff_s * 2 ** (count - 1), self.policy.max_backoff_s)
        self._wait(wait, f"GitHub's answer for {what} {reason}; retry {count} of {attempts - 1}")

    @staticmethod
    def _classify(status: int, headers: dict[str, Any], data: Any) -> str:
        errors = data.get("errors") if isinstance(data, dict) else None
        types = (
            {e.get("type") for e in errors if isinstance(e, dict)}
            if isinstance(errors, list)
            else set()
        )
        message = _message(data).lower()
        if "something went wrong while executing your query" in message:
            return "retry"  # GitHub's GraphQL timeout, sent as HTTP 200 with errors
        if "RATE_LIMITED" in types:
            return "primary"
        if status in (403, 429):
            if (
                _header(headers, "x-ratelimit-remaining") == "0"
                and _header(headers, "retry-after") is None
            ):
                return "primary"
            if _header(headers, "retry-after") is not None or "secondary rate limit" in message:
                return "secondary"
            if status == 429:
                return "secondary"
        if status == 401:
            return "credentials"
        if status == 404 or "NOT_FOUND" in types:
            return "not_found"
        if status >= 500:
            return "retry"
        return "other"

    def _final_error(self, kind: str, status: int, data: Any, what: str) -> Exception:
        if kind == "credentials":
            return BadCredentialsError(
                "bad credentials: GitHub refused the token (HTTP 401); check GITHUB_TOKEN or "
                "--token-file"
            )
        if kind == "not_found":
            return UnknownRepositoryError(
                f"{what} was not found on GitHub (or the token cannot see it)"
            )
        message = _redact(_message(data)[:300], self._token) or "no message"
        if status == 400 and isinstance(data, dict) and "errors" in data:
            return GitHubError(f"GitHub refused the query for {what}: {message}")
        return GitHubError(f"GitHub answered HTTP {status} for {what}: {message}")


def _redact(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
