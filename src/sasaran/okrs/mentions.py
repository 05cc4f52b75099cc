"""@mentions in comment text: finding the handles written, a member's handles, and marking the
resolved ones in rendered HTML. Pure: the standard library only, no database.

A member's handle is the part of their email before the @ (`@ana` for ana@example.com), or the
whole email (`@ana@example.com`), which always works, also when two members share the short one.
"""

import html
import re
from collections.abc import Callable, Iterable

# An @ that does not follow a word character, a dot or another @ (so "ana@example.com" written
# in text is an email, not a mention of "example.com"), then an email's local part, optionally
# followed by its domain. Trailing dots are sentence punctuation ("thanks @ana.").
MENTION_RE = re.compile(
    r"(?<![\w@.])@([A-Za-z0-9_%+-][A-Za-z0-9._%+-]*(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)"
)
# How many distinct handles one comment may try to resolve: a comment naming more is no
# conversation, and the lookup must stay small.
MAX_HANDLES = 50


def _clean(token: str) -> str:
    return token.rstrip(".").lower()


def handles_in(text: str) -> list[str]:
    """The distinct handles written in `text`, lower-cased, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(text or ""):
        token = _clean(match.group(1))
        if token:
            seen.setdefault(token, None)
    return list(seen)[:MAX_HANDLES]


def short_handle(email: str) -> str:
    return email.split("@", 1)[0].lower()


def resolve(handles: Iterable[str], members: Iterable[tuple[int, str]]) -> dict[str, int]:
    """Which member each handle names: {handle: user id} for `members` given as (id, email).
    A short handle shared by two members names nobody (the full email does); handles that name
    no member are left out and stay plain text."""
    by_email: dict[str, int] = {}
    by_short: dict[str, set[int]] = {}
    for user_id, email in members:
        by_email[email.lower()] = user_id
        by_short.setdefault(short_handle(email), set()).add(user_id)
    found: dict[str, int] = {}
    for handle in handles:
        if handle in by_email:
            found[handle] = by_email[handle]
        elif len(by_short.get(handle, ())) == 1:
            found[handle] = next(iter(by_short[handle]))
    return found


# Inside these elements a handle is code or already a link: left as written.
_SKIP = {"code", "pre", "a"}
_TAG_RE = re.compile(r"(<[^>]*>)")
_TAG_NAME_RE = re.compile(r"^</?\s*([a-zA-Z0-9]+)")


def link_mentions(safe_html: str, handles: dict[str, int], link: Callable[[int, str], str]) -> str:
    """`safe_html` (sanitised already) with each resolved handle in its text replaced by
    `link(user_id, written)`, which returns trusted HTML. Text inside code and links is left
    alone, as is every handle not in `handles`."""
    if not handles:
        return safe_html
    out: list[str] = []
    skipping = 0
    for part in _TAG_RE.split(safe_html):
        if part.startswith("<"):
            name = _TAG_NAME_RE.match(part)
            if name and name.group(1).lower() in _SKIP and not part.endswith("/>"):
                skipping += -1 if part.startswith("</") else 1
                skipping = max(skipping, 0)
            out.append(part)
        elif skipping or "@" not in part:
            out.append(part)
        else:

            def replace(match: re.Match) -> str:
                written = match.group(1).rstrip(".")
                user_id = handles.get(written.lower())
                if user_id is None:
                    return match.group(0)
                rest = match.group(1)[len(written) :]
                return link(user_id, "@" + html.unescape(written)) + rest

            out.append(MENTION_RE.sub(replace, part))
    return "".join(out)
