"""The objective page's feed: check-ins and comments interleaved by time, with what the reader
may do to each comment, and the state of the comment forms (what was typed, what was refused).
Two queries for the comments (rows, then their mentions), whatever their number."""

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sasaran.accounts.queries import Actor
from sasaran.errors import Forbidden
from sasaran.okrs.comments import MAX_BODY, body_html, visible_comments
from sasaran.okrs.models import Objective
from sasaran.okrs.permissions import require_comment

EMPTY_FORM: dict[str, Any] = {"values": {"body": ""}, "errors": {}}


def _may_comment(actor: Actor) -> bool:
    try:
        require_comment(actor)
    except Forbidden:
        return False
    return True


def with_comments(
    actor: Actor, obj: Objective, checkins: list, limit: int, state: dict | None
) -> list:
    """The newest `limit` of the check-ins (newest first) and the objective's comments (on it
    and on its key results), newest first."""
    state = state or {}
    may = _may_comment(actor)
    comments = list(
        visible_comments(actor).filter(objective=obj).order_by("-created_at", "-id")[:limit]
    )
    for c in comments:
        c.objective = obj
        c.html = body_html(c, actor.user_id)
        c.feed_at, c.fid = c.created_at, f"comment{c.pk}"
        c.can_edit = may and c.author_id is not None and c.author_id == actor.user_id
        c.can_delete = c.can_edit or (may and actor.is_admin)
        c.form = state.get("edit", {}).get(c.pk) or {"values": {"body": c.body}, "errors": {}}
    for c in checkins:
        c.feed_at = c.checked_in_at
    return sorted([*checkins, *comments], key=lambda item: item.feed_at, reverse=True)[:limit]


def comment_context(actor: Actor, obj: Objective, state: dict | None, rows: list[dict]) -> dict:
    """The comment forms of the page: the objective's (in the feed) and one per key result."""
    state = state or {}
    kr_forms = state.get("kr", {})
    kr_notices = state.get("kr_notice", {})
    for row in rows:
        row["id_str"] = str(row["id"])
        row["comment"] = kr_forms.get(row["id"]) or EMPTY_FORM
        row["comment_notice"] = kr_notices.get(row["id"])
    may = _may_comment(actor)
    return {
        "can_comment": may,
        "comment_form": state.get("objective") or EMPTY_FORM,
        "comment_notice": state.get("notice"),
        "comment_max": MAX_BODY,
        "comment_hint": _(
            "Markdown, at most %(max)s characters. Mention someone who can see this objective "
            "with @ and the part of their email before the @ (@ana for ana@example.com)."
        )
        % {"max": number_format(MAX_BODY, force_grouping=True)},
    }
