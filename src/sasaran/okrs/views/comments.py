"""Pages: posting, editing and deleting comments from the objective page. An htmx post answers
with the parts it changed (the form, the feed, the history) so the page updates in place; a
plain post goes back to the objective page (or shows it again with the refused text)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.okrs import actions, queries
from sasaran.okrs.comments import get_comment, people_to_mention
from sasaran.okrs.views.feed import _may_comment
from sasaran.okrs.views.objective import _objective_context, _vary
from sasaran.web.pages import actor_page

FEED = "okrs/objective/_feed.html"
HISTORY = "okrs/objective/_history.html"
KR_BLOCK = "okrs/objective/_kr_comment.html"


def _refused(body: str, exc: Invalid) -> dict[str, Any]:
    errors = {e["field"]: e["message"] for e in exc.errors if e.get("field") == "body"}
    return {"values": {"body": body}, "errors": errors, "error": "" if errors else exc.message}


def _answer(
    request: HttpRequest,
    objective_id: int,
    state: dict,
    *,
    main: str = FEED,
    kr_id: int | None = None,
    written: bool = False,
    anchor: str = "",
    status: int = 200,
) -> HttpResponse:
    """htmx: `main` (the feed, or a key result's comment block), and after a write the feed and
    history out of band. Otherwise: back to the objective page, or the page with the refusal."""
    if not request.htmx and status == 200:
        return HttpResponseRedirect(reverse("objective", args=[objective_id]) + anchor)
    context = _objective_context(request.actor, objective_id, comments=state)
    if not request.htmx:
        return render(request, "okrs/objective/page.html", context, status=status)
    if kr_id is not None:
        context["k"] = next(row for row in context["krs"] if row["id"] == kr_id)
    html = render_to_string(main, context, request)
    if written:
        if main != FEED:
            html += render_to_string(FEED, {**context, "oob": True}, request)
        html += render_to_string(HISTORY, {**context, "oob": True}, request)
    return _vary(HttpResponse(html, status=status))


@actor_page
@require_POST
def comment_on_objective(request: HttpRequest, objective_id: int) -> HttpResponse:
    obj = queries.get_objective(request.actor, objective_id)
    body = request.POST.get("body", "")
    try:
        comment = actions.add_comment(request.actor, objective_id=obj.pk, body=body)
    except Invalid as exc:
        return _answer(request, obj.pk, {"objective": _refused(body, exc)}, status=422)
    except (Forbidden, Conflict) as exc:
        if not request.htmx:
            raise
        return _answer(request, obj.pk, {"notice": ("error", exc.message)}, status=exc.status)
    return _answer(
        request,
        obj.pk,
        {"notice": ("ok", _("Comment posted."))},
        written=True,
        anchor=f"#comment-{comment.pk}",
    )


@actor_page
@require_POST
def comment_on_key_result(request: HttpRequest, kr_id: int) -> HttpResponse:
    kr = queries.get_key_result(request.actor, kr_id)
    body = request.POST.get("body", "")
    block = {"main": KR_BLOCK, "kr_id": kr.pk}
    try:
        comment = actions.add_comment(request.actor, key_result_id=kr.pk, body=body)
    except Invalid as exc:
        state = {"kr": {kr.pk: _refused(body, exc)}}
        return _answer(request, kr.objective_id, state, status=422, **block)
    except (Forbidden, Conflict) as exc:
        if not request.htmx:
            raise
        state = {"kr_notice": {kr.pk: ("error", exc.message)}}
        return _answer(request, kr.objective_id, state, status=exc.status, **block)
    state = {"kr_notice": {kr.pk: ("ok", _("Comment posted."))}}
    return _answer(
        request,
        kr.objective_id,
        state,
        written=True,
        anchor=f"#comment-{comment.pk}",
        **block,
    )


@actor_page
@require_POST
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment(request.actor, comment_id)
    body = request.POST.get("body", "")
    try:
        actions.edit_comment(request.actor, comment.pk, body=body)
    except Invalid as exc:
        state = {"edit": {comment.pk: _refused(body, exc)}}
        return _answer(request, comment.objective_id, state, status=422)
    except (Forbidden, Conflict) as exc:
        if not request.htmx:
            raise
        state = {"notice": ("error", exc.message)}
        return _answer(request, comment.objective_id, state, status=exc.status)
    state = {"notice": ("ok", _("Comment saved."))}
    return _answer(
        request, comment.objective_id, state, written=True, anchor=f"#comment-{comment.pk}"
    )


@actor_page
@require_POST
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_comment(request.actor, comment_id)
    try:
        actions.delete_comment(request.actor, comment.pk)
    except (Forbidden, Conflict) as exc:
        if not request.htmx:
            raise
        state = {"notice": ("error", exc.message)}
        return _answer(request, comment.objective_id, state, status=exc.status)
    state = {"notice": ("ok", _("Comment deleted."))}
    return _answer(request, comment.objective_id, state, written=True, anchor="#checkin-feed")


@actor_page
def mention_people(request: HttpRequest, objective_id: int) -> HttpResponse:
    """The comment fields' @ suggestions, as the <option>s of the page's datalist. Fetched by
    mentions.js when a comment field is first focused: computing them costs the objective page
    a quarter of its time, and most visits never comment."""
    objective = queries.get_objective(request.actor, objective_id)
    people = people_to_mention(
        objective, set(objective.key_results.values_list("owner_id", flat=True))
    )
    if not _may_comment(request.actor):
        people = []
    html = format_html_join(
        "", '<option value="{}" label="{}"></option>', ((h, n) for h, n in people)
    )
    return _vary(HttpResponse(html))


urlpatterns = [
    path(
        "objectives/<int:objective_id>/mention-people/",
        mention_people,
        name="objective-mention-people",
    ),
    path("objectives/<int:objective_id>/comments/", comment_on_objective, name="objective-comment"),
    path("key-results/<int:kr_id>/comments/", comment_on_key_result, name="kr-comment"),
    path("comments/<int:comment_id>/edit/", edit_comment, name="comment-edit"),
    path("comments/<int:comment_id>/delete/", delete_comment, name="comment-delete"),
]
