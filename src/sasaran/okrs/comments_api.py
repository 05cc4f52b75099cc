"""REST endpoints for comments on objectives and key results (thin: parse, call, shape)."""

import datetime as dt

from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from sasaran.apitypes import PathId, Text
from sasaran.okrs import actions, queries
from sasaran.okrs.comments import MAX_BODY, comment_row, get_comment, visible_comments
from sasaran.schemas import Shaped, paged, with_errors

router = Router(tags=["Comments"])


class PersonOut(Schema):
    id: int
    name: str


class CommentOut(Schema):
    id: int
    objective_id: int
    key_result_id: int | None = Field(..., description="null for a comment on the objective itself")
    body: str = Field(..., description="markdown, as written")
    body_html: str = Field(..., description="the body rendered and sanitised; mentions linked")
    author: PersonOut | None = Field(..., description="null once the author's account is gone")
    mentions: list[PersonOut]
    created_at: dt.datetime
    edited_at: dt.datetime | None


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: Text = Field(
        ...,
        min_length=1,
        max_length=MAX_BODY,
        description="markdown; @name (the part of a member's email before the @) or "
        "@email mentions a member who can see the objective",
    )


def _created(request, comment) -> Status:
    # Re-read with its author and mentions, as every list shows it.
    return Status(201, comment_row(get_comment(request.auth, comment.pk)))


@router.get("/objectives/{objective_id}/comments", response=with_errors(200, list[CommentOut]))
@paged()
def list_objective_comments(request, objective_id: PathId, key_results: bool = False):
    """Comments on the objective itself, newest first; with `key_results=true` also those on
    its key results (the objective page's conversation)."""
    obj = queries.get_objective(request.auth, objective_id)
    qs = visible_comments(request.auth).filter(objective=obj)
    if not key_results:
        qs = qs.filter(key_result__isnull=True)
    return Shaped(qs.order_by("-created_at", "-id"), comment_row)


@router.post("/objectives/{objective_id}/comments", response=with_errors(201, CommentOut))
def add_objective_comment(request, objective_id: PathId, payload: CommentIn):
    comment = actions.add_comment(request.auth, objective_id=objective_id, body=payload.body)
    return _created(request, comment)


@router.get("/key-results/{kr_id}/comments", response=with_errors(200, list[CommentOut]))
@paged()
def list_key_result_comments(request, kr_id: PathId):
    """Comments on the key result, newest first."""
    kr = queries.get_key_result(request.auth, kr_id)
    qs = visible_comments(request.auth).filter(key_result=kr)
    return Shaped(qs.order_by("-created_at", "-id"), comment_row)


@router.post("/key-results/{kr_id}/comments", response=with_errors(201, CommentOut))
def add_key_result_comment(request, kr_id: PathId, payload: CommentIn):
    comment = actions.add_comment(request.auth, key_result_id=kr_id, body=payload.body)
    return _created(request, comment)


@router.get("/comments/{comment_id}", response=with_errors(200, CommentOut))
def get_one_comment(request, comment_id: PathId):
    return comment_row(get_comment(request.auth, comment_id))


@router.patch("/comments/{comment_id}", response=with_errors(200, CommentOut))
def edit_comment(request, comment_id: PathId, payload: CommentIn):
    """Its author rewrites a comment (mentions follow the new text)."""
    actions.edit_comment(request.auth, comment_id, body=payload.body)
    return comment_row(get_comment(request.auth, comment_id))


@router.delete("/comments/{comment_id}", response=with_errors(204, None))
def delete_comment(request, comment_id: PathId):
    """Its author or an admin deletes a comment."""
    actions.delete_comment(request.auth, comment_id)
    return Status(204, None)
