"""Page: the check-in inbox — every key result I own in active cycles (and, on a toggle, my teams'
ones), each with an inline check-in form that saves in place; "Save all" saves every changed row.

The whole list is one form, its fields named per row (`kr-<id>-value`), so "Save all" works
without script too; a row's Save posts to the row's own URL and, with htmx, answers with the
row alone. Writes go through okrs.actions.create_checkin, as everywhere else.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.okrs import actions, checkin_inbox
from sasaran.okrs.models import STATUS_CHOICES, KeyResult
from sasaran.okrs.progress import Kind
from sasaran.okrs.views.objective import (
    CHECKIN_FIELDS,
    CONFIDENCE_LABELS,
    _checkin_arguments,
    _checkin_initial,
    _errors,
    _far_question,
    _number,
    _vary,
)
from sasaran.web.fragments import percent
from sasaran.web.pages import actor_page, kept_page

STATUS_LABELS = dict(STATUS_CHOICES)


class _RowFields:
    """One row's fields of the inbox form, read as the objective page's form reads its own."""

    def __init__(self, post, kr_id: int):
        self.post, self.prefix = post, f"kr-{kr_id}-"

    def get(self, key: str, default: Any = None) -> Any:
        return self.post.get(self.prefix + key, default)

    def getlist(self, key: str) -> list[str]:
        return self.post.getlist(self.prefix + key)


def _changed(kr: KeyResult, typed: dict[str, Any]) -> bool:
    """Whether the user touched the row: Save all skips untouched rows (a row's own Save always
    saves, so "no change this week" is one press away)."""
    if any(typed[k].strip() for k in ("progress_note", "wins", "blockers")):
        return True
    if typed["confidence"].strip() != str(kr.confidence or ""):
        return True
    if kr.kind == Kind.MILESTONES:
        done = {str(m.pk) for m in kr.milestone_list if m.done}
        return set(typed["milestones_done"]) != done
    if kr.kind == Kind.BOOLEAN:
        return typed["done"] != (kr.current_value >= 1)
    if kr.kind == Kind.TASKS:
        return False
    value = _number(typed["value"])
    return value != kr.current_value


def _saved_notice(kr: KeyResult) -> str:
    """ "Saved · 62% · On track": what the check-in made of the key result."""
    parts = [_("Saved")]
    if kr.progress is not None:
        parts.append(f"{percent(kr.progress)}%")
    if kr.status:
        parts.append(str(STATUS_LABELS.get(kr.status, kr.status)))
    return " · ".join(parts)


def _save(request: HttpRequest, kr: KeyResult) -> tuple[dict, str | None]:
    """Check in from the row's fields: (the row's form to show, the confirmation or None)."""
    typed, kwargs = _checkin_arguments(kr, _RowFields(request.POST, kr.pk))
    try:
        actions.create_checkin(request.actor, kr.pk, **kwargs)
    except actions.FarFromRange as exc:
        # Asked in the row, as on the objective page: "Yes, save …" or the reading that fits.
        far = _far_question(kr, exc, typed["value"])
        return {"values": typed, "errors": {}, "far": far}, None
    except Invalid as exc:
        errors, general = _errors(exc, CHECKIN_FIELDS)
        return {"values": typed, "errors": errors, "error": general}, None
    except (Forbidden, Conflict) as exc:
        return {"values": typed, "errors": {}, "error": exc.message}, None
    return {}, "ok"


NOTE_FIELDS = (
    ("progress_note", gettext_lazy("Progress")),
    ("wins", gettext_lazy("Wins")),
    ("blockers", gettext_lazy("Blockers")),
)


def _row_context(kr: KeyResult, form: dict | None, notice: str | None) -> dict[str, Any]:
    form = form or _checkin_initial(kr)
    values, errors = form.get("values", {}), form.get("errors", {})
    return {
        "kr": kr,
        "form": form,
        "notice": notice,
        "confidence_choices": list(CONFIDENCE_LABELS.items()),
        # One note in three optional parts, all visible: a sentence in any of them is enough.
        "notes": [
            {"name": n, "label": label, "value": values.get(n, ""), "error": errors.get(n)}
            for n, label in NOTE_FIELDS
        ],
    }


def _render_row(request, kr, form=None, notice=None, *, status=200, place="inbox"):
    html = render_to_string(
        "okrs/checkins/_row.html", {**_row_context(kr, form, notice), "place": place}, request
    )
    return _vary(HttpResponse(html, status=status))


def _teams_on(request: HttpRequest) -> bool:
    return (request.POST if request.method == "POST" else request.GET).get("teams") == "1"


def _page(
    request, *, data=None, forms=None, notices=None, summary=None, status=200
) -> HttpResponse:
    """The inbox, with what a save left in some rows (errors and typed input, confirmations)."""
    forms, notices = forms or {}, notices or {}
    if data is None:
        data = checkin_inbox.inbox(request.actor, timezone.now(), teams=_teams_on(request))
    return _vary(
        render(
            request,
            "okrs/checkins/inbox.html",
            {
                "actor": request.actor,
                "inbox": data,
                "rows": [
                    _row_context(kr, forms.get(kr.pk), notices.get(kr.pk)) for kr in data.rows
                ],
                "summary": summary,
            },
            status=status,
        )
    )


@actor_page
@kept_page
def inbox_page(request: HttpRequest) -> HttpResponse:
    """GET: the inbox. POST: Save all — every changed row is checked in; rows that fail show
    their error with what was typed, the others their confirmation."""
    if request.method != "POST":
        return _page(request)
    actor = request.actor
    posted = {int(i) for i in request.POST.getlist("row") if i.isdigit()}
    rows = checkin_inbox.inbox(actor, timezone.now(), teams=_teams_on(request)).rows
    forms: dict[int, dict] = {}
    saved: list[int] = []
    for kr in rows:
        if kr.pk not in posted or not kr.can_check_in:
            continue
        typed, _kwargs = _checkin_arguments(kr, _RowFields(request.POST, kr.pk))
        if not _changed(kr, typed):
            continue
        form, ok = _save(request, kr)
        if ok:
            saved.append(kr.pk)
        else:
            forms[kr.pk] = form
    said = ngettext("%(n)d check-in saved.", "%(n)d check-ins saved.", len(saved)) % {
        "n": len(saved)
    }
    if forms:
        fix = ngettext(
            "%(n)d row needs a correction (below).",
            "%(n)d rows need a correction (below).",
            len(forms),
        ) % {"n": len(forms)}
        summary = ("error", f"{said} {fix}")
    elif saved:
        summary = ("ok", said)
    else:
        summary = ("ok", _("Nothing changed: nothing to save."))
    # Read again after the saves: the saved rows' new value, status and due-ness.
    data = checkin_inbox.inbox(actor, timezone.now(), teams=_teams_on(request))
    fresh = {kr.pk: kr for kr in data.rows}
    notices = {pk: _saved_notice(fresh[pk]) for pk in saved if pk in fresh}
    return _page(
        request,
        data=data,
        forms=forms,
        notices=notices,
        summary=summary,
        status=422 if forms else 200,
    )


@actor_page
def inbox_row(request: HttpRequest, kr_id: int) -> HttpResponse:
    """GET: one row with its form (Home opens it in place). POST: check that row in; htmx gets
    the row back with its confirmation or its errors, a plain form post the whole inbox."""
    actor = request.actor
    place = "home" if (request.POST or request.GET).get("place") == "home" else "inbox"
    kr = checkin_inbox.row(actor, kr_id, timezone.now())
    if request.method != "POST":
        return _render_row(request, kr, place=place)
    form, ok = _save(request, kr)
    if not ok:
        if request.htmx:
            return _render_row(request, kr, form, status=422, place=place)
        return _page(request, forms={kr.pk: form}, status=422)
    kr = checkin_inbox.row(actor, kr_id, timezone.now())
    notice = _saved_notice(kr)
    if request.htmx:
        return _render_row(request, kr, notice=notice, place=place)
    messages.success(request, f"{kr.title}: {notice}")
    return HttpResponseRedirect(
        reverse("checkin-inbox") + ("?teams=1" if _teams_on(request) else "")
    )


urlpatterns = [
    path("check-ins/", inbox_page, name="checkin-inbox"),
    path("check-ins/<int:kr_id>/", inbox_row, name="checkin-inbox-row"),
]
