"""Ingest layer: reading references out of PR and defect text. Pure functions; no store, no metric.

This is the one place where METRICS.md's attribution phrasing is parsed:

* a defect names the PR that introduced it — ``introduced by``, ``caused by``,
  ``regression from``, ``regressed in``, ``broken by`` followed by references;
* a PR names the defects it fixes — ``close(s|d)``, ``fix(es|ed)``, ``resolve(s|d)``
  followed by references;
* a PR reverts another — GitHub's ``Reverts owner/repo#N`` body, or the title
  ``Revert "<title>"``.

A reference is ``#N`` (same repository), ``owner/repo#N``, or a GitHub URL
``https://HOST/owner/repo/pull/N`` (``/issues/N`` too). Phrases and keywords match whole
words, case-insensitively, and an optional ``:`` may follow. An attribution phrase's list
(``#1, #2 and #3``) names every item; a fix keyword closes only the one reference right
after it, as GitHub does (METRICS.md, "Edge rules"): ``Closes #1 #2`` and ``Closes #1,
#2`` close #1 only, ``Closes #1, closes #2`` closes both.

Decisions (documented in docs/how-we-measure.md and tested):

* Fenced code blocks and inline code are ignored: text quoted as code is not a claim.
* ``#12`` is read only as a reference of its own: inside a URL (``…/other/repo/pull/12``,
  ``…#issuecomment-12``) or after ``owner/repo`` it is never the same repository's #12.
* A Markdown link reads as its URL when that is a PR/issue URL, else as its text;
  "caused by PR #12" and "introduced by pull request #12" name #12; a URL's sub-pages
  (``…/pull/12/files``) name the PR.
* A tracker key (``PAY-12``) is read only after a fix keyword, upper case; a look-alike
  (``UTF-8``) is harmless because the metrics layer resolves keys against defects only.
  METRICS.md's "Tracker keys" rule (a key anywhere in a PR's title, head branch or commit
  messages) is applied by the metrics layer against the imported defects' keys;
  :func:`has_key_token` only says whether a text may carry one (so its message is kept).
* Negation is not interpreted: "not caused by #5" still names #5 after "caused by", as
  METRICS.md's rule is textual. Teams that write such sentences should reword them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Ref:
    """A reference to a GitHub pull request or issue (``repo``/``number``) or a tracker key."""

    repo: str | None = None
    number: int | None = None
    key: str | None = None

    @property
    def target(self) -> str:
        """The canonical spelling stored in ``links.target``."""
        if self.key:
            return self.key
        return f"{self.repo}#{self.number}"


_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]+"
_URL = (
    rf"https?://[^\s/]+/(?:api/v3/repos/)?(?P<u_owner>{_OWNER})/(?P<u_name>{_NAME})/"
    r"(?:pull|pulls|issues)/(?P<u_num>\d+)(?!\w)"
)
_FULL = rf"(?<![\w/.-])(?P<f_owner>{_OWNER})/(?P<f_name>{_NAME})#(?P<f_num>\d+)\b"
_SHORT = r"(?<![\w/#&])#(?P<s_num>\d+)\b"
_KEY = r"(?<![\w/-])(?P<key>[A-Z][A-Z0-9]{1,9}-\d+)\b"
_ONE_REF = rf"(?:{_URL}|{_FULL}|{_SHORT})"
_ONE_REF_OR_KEY = rf"(?:{_URL}|{_FULL}|{_SHORT}|{_KEY})"
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s+)"

_FENCED = re.compile(r"(```|~~~).*?(\1|\Z)", re.DOTALL)
_INLINE = re.compile(r"`[^`\n]*`")
# A Markdown link reads as its URL when that is a PR or issue URL ("caused by [#12](…/pull/12)",
# "regression from [the cache PR](…/pull/40)"), else as its text.
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
# "caused by PR #12", "introduced by pull request #12": a noun may sit before the reference.
_NOUN = r"(?:(?:pr|pull\s+request|pull|issue|ticket)\s*)?"

INTRODUCED_PHRASES = ("introduced by", "caused by", "regression from", "regressed in", "broken by")
FIX_KEYWORDS = (
    "close",
    "closes",
    "closed",
    "fix",
    "fixes",
    "fixed",
    "resolve",
    "resolves",
    "resolved",
)


def _phrase_pattern(phrases: tuple[str, ...], ref: str, *, lists: bool = True) -> re.Pattern[str]:
    """``phrase [:] [noun] REF`` — followed by more references when ``lists``."""
    ref = re.sub(r"\(\?P<\w+>", "(?:", ref)  # the item pattern below names the parts
    words = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    more = rf"(?:{_SEP}{ref})*" if lists else ""
    return re.compile(
        rf"\b(?:{words})\b\s*:?\s*{_NOUN}(?P<refs>{ref}{more})",
        re.IGNORECASE,
    )


_INTRODUCED = _phrase_pattern(INTRODUCED_PHRASES, _ONE_REF)
# A fix keyword closes the one reference right after it (GitHub's rule), never a list.
_FIXES = _phrase_pattern(FIX_KEYWORDS, _ONE_REF_OR_KEY, lists=False)
_REVERTS = _phrase_pattern(("reverts",), _ONE_REF)
_ITEM = re.compile(_ONE_REF_OR_KEY)
_URL_ONLY = re.compile(_URL)
_REVERT_TITLE = re.compile(r'^Revert "(?P<title>.*)"$', re.DOTALL)
# A whole word shaped like a tracker key as trackers write them: upper-case letters (digits
# may follow the first, as Jira allows), a hyphen, digits; no letter or digit on either
# side ('feature/PAY-142-totals' and 'fix_PAY-142' carry PAY-142, 'XPAY-142' and
# 'PAY-1420' do not). The metrics layer tokenizes the same way (metrics/sql/fixes.sql) and
# compares the words with the imported keys, case-sensitively.
KEY_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]*-\d+(?![A-Za-z0-9])")


def strip_code(text: str | None) -> str:
    """The text without fenced code blocks and inline code spans, Markdown links unwrapped."""
    if not text:
        return ""
    return _MD_LINK.sub(_link_text, _INLINE.sub(" ", _FENCED.sub(" ", text)))


def _link_text(m: re.Match[str]) -> str:
    return m.group(2) if _URL_ONLY.fullmatch(m.group(2)) else m.group(1)


def _items(refs_text: str, repo: str | None, *, keys: bool) -> list[Ref]:
    found: list[Ref] = []
    for m in _ITEM.finditer(refs_text):
        if m.group("u_num"):
            ref = Ref(f"{m.group('u_owner')}/{m.group('u_name')}", int(m.group("u_num")))
        elif m.group("f_num"):
            ref = Ref(f"{m.group('f_owner')}/{m.group('f_name')}", int(m.group("f_num")))
        elif m.group("s_num"):
            if repo is None:
                continue  # a bare #N means nothing outside a repository
            ref = Ref(repo, int(m.group("s_num")))
        elif keys and m.group("key"):
            ref = Ref(key=m.group("key"))
        else:
            continue
        if ref not in found:
            found.append(ref)
    return found


def _scan(
    pattern: re.Pattern[str], texts: tuple[str | None, ...], repo: str | None, keys: bool
) -> list[Ref]:
    found: list[Ref] = []
    for text in texts:
        for m in pattern.finditer(strip_code(text)):
            for ref in _items(m.group("refs"), repo, keys=keys):
                if ref not in found:
                    found.append(ref)
    return found


def introduced_by(title: str | None, body: str | None, repo: str | None) -> list[Ref]:
    """The PRs a defect says introduced it, in order of first mention.

    Args:
        title, body: the defect's text.
        repo: the defect's repository ('owner/name'), for bare ``#N``; None for a tracker.
    """
    return _scan(_INTRODUCED, (title, body), repo, keys=False)


def fixes(title: str | None, body: str | None, repo: str) -> list[Ref]:
    """The defects a PR says it closes (GitHub references and tracker keys)."""
    return _scan(_FIXES, (title, body), repo, keys=True)


def has_key_token(text: str | None) -> bool:
    """Whether ``text`` holds a word shaped like a tracker key (``PAY-142``)."""
    return bool(text) and KEY_TOKEN.search(text) is not None


def reverts(body: str | None, repo: str) -> list[Ref]:
    """The PRs named by ``Reverts owner/repo#N`` (GitHub's revert button) in a PR body."""
    return _scan(_REVERTS, (body,), repo, keys=False)


def reverted_title(title: str | None) -> str | None:
    """The reverted PR's title when a PR's title is exactly ``Revert "<title>"``."""
    if not title:
        return None
    m = _REVERT_TITLE.match(title)
    return m.group("title") if m else None


def parse_ref(text: str, repo: str | None = None) -> Ref | None:
    """One reference written on its own (an import's introduced-by cell), or None."""
    text = text.strip()
    m = _ITEM.fullmatch(text)
    if not m:
        return None
    items = _items(text, repo, keys=False)
    return items[0] if items else None
