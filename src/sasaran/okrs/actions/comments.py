"""Comments on objectives and key results: add, edit one's own, delete one's own (admins any).
The audit log records who did what to which comment, and whom it mentions, never the text: a
deleted comment's words are gone everywhere, its having been there is not."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sasaran.audit.log import record
from sasaran.errors import Invalid, NotFound
from sasaran.events import publish
from sasaran.okrs import events, mentions
from sasaran.okrs.actions._common import AnyActor, _id
from sasaran.okrs.comments import MAX_BODY, mentionable
from sasaran.okrs.models import Comment, KeyResult, Mention, Objective
from sasaran.okrs.permissions import (
    can_see,
    require_comment,
    require_comment_author,
    require_comment_delete,
)


def _body(body) -> str:
    if not isinstance(body, str):
        raise Invalid(_("Enter text."), field="body")
    if "\x00" in body:
        raise Invalid(_("Text must not contain the NUL character."), field="body")
    body = body.strip()
    if not body:
        raise Invalid(_("Write something first: the comment is empty."), field="body")
    if len(body) > MAX_BODY:
        # Refused whole, never cut: the writer keeps their text and decides what to drop.
        raise Invalid(
            _(
                "A comment is at most %(max)s characters; this one has %(n)s. "
                "Shorten it, or split it into two comments."
            )
            % {
                "max": number_format(MAX_BODY, force_grouping=True),
                "n": number_format(len(body), force_grouping=True),
            },
            field="body",
        )
    return body


def _mention(comment: Comment, objective: Objective) -> list[int]:
    """Store the mentions the body makes now; returns the mentioned user ids, in order."""
    found = mentionable(objective, mentions.handles_in(comment.body))
    Mention.objects.filter(comment=comment).delete()
    Mention.objects.bulk_create(
        Mention(comment=comment, user_id=user_id, handle=handle)
        for handle, user_id in found.items()
    )
    return list(dict.fromkeys(found.values()))


def _locked(actor: AnyActor, comment_id: int) -> Comment:
    _id({"comment_id": comment_id}, "comment_id")
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("objective", "key_result")
        .filter(pk=comment_id, objective__workspace_id=actor.workspace_id)
        .first()
    )
    if comment is None or not can_see(actor, comment.objective):
        raise NotFound(_("No such comment."))
    return comment


def _audit(comment: Comment) -> dict:
    return {"key_result_id": comment.key_result_id, "author_id": comment.author_id}


@transaction.atomic
def add_comment(
    actor: AnyActor,
    *,
    body: str,
    objective_id: int | None = None,
    key_result_id: int | None = None,
) -> Comment:
    """A comment on the objective `objective_id` or on the key result `key_result_id` (exactly
    one), by a member who can see it."""
    _id({"objective_id": objective_id}, "objective_id")
    _id({"key_result_id": key_result_id}, "key_result_id")
    if (objective_id is None) == (key_result_id is None):
        raise Invalid(_("Comment on an objective or on a key result: name exactly one."))
    kr = None
    if key_result_id is not None:
        kr = (
            KeyResult.objects.select_related("objective")
            .filter(pk=key_result_id, objective__workspace_id=actor.workspace_id)
            .first()
        )
        if kr is None or not can_see(actor, kr.objective):
            raise NotFound(_("No such key result."))
        objective = kr.objective
    else:
        objective = Objective.objects.filter(
            pk=objective_id, workspace_id=actor.workspace_id
        ).first()
        if objective is None or not can_see(actor, objective):
            raise NotFound(_("No such objective."))
    require_comment(actor)
    comment = Comment.objects.create(
        objective=objective, key_result=kr, author_id=actor.user_id, body=_body(body)
    )
    mentioned = _mention(comment, objective)
    record(
        actor,
        action="create",
        obj=comment,
        objective_id=objective.pk,
        after={**_audit(comment), "mentioned_ids": mentioned},
    )
    publish(
        events.CommentAdded.by(
            actor,
            comment_id=comment.pk,
            objective_id=objective.pk,
            key_result_id=comment.key_result_id,
            mentioned_user_ids=tuple(mentioned),
        )
    )
    return comment


@transaction.atomic
def edit_comment(actor: AnyActor, comment_id: int, *, body: str) -> Comment:
    """Its author rewrites a comment; mentions follow the new text."""
    comment = _locked(actor, comment_id)
    require_comment_author(actor, comment.author_id)
    new_body = _body(body)
    before = list(comment.mention_rows.values_list("user_id", flat=True))
    comment.body = new_body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    mentioned = _mention(comment, comment.objective)
    record(
        actor,
        action="update",
        obj=comment,
        objective_id=comment.objective_id,
        before={**_audit(comment), "mentioned_ids": sorted(set(before))},
        after={**_audit(comment), "mentioned_ids": mentioned},
    )
    publish(
        events.CommentEdited.by(
            actor,
            comment_id=comment.pk,
            objective_id=comment.objective_id,
            key_result_id=comment.key_result_id,
            mentioned_user_ids=tuple(mentioned),
            newly_mentioned_user_ids=tuple(u for u in mentioned if u not in before),
        )
    )
    return comment


@transaction.atomic
def delete_comment(actor: AnyActor, comment_id: int) -> None:
    """Its author or an admin deletes a comment: the row (and its text) goes; the audit entry
    says who deleted whose comment on what."""
    comment = _locked(actor, comment_id)
    require_comment_delete(actor, comment.author_id)
    record(
        actor,
        action="delete",
        obj=comment,
        objective_id=comment.objective_id,
        before=_audit(comment),
    )
    publish(
        events.CommentDeleted.by(
            actor,
            comment_id=comment.pk,
            objective_id=comment.objective_id,
            key_result_id=comment.key_result_id,
            author_id=comment.author_id,
        )
    )
    comment.delete()
