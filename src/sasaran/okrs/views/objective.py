"""Pages: an objective with its key results, charts, check-ins and history; the check-in form and
the status override (issue 3). Reads go through okrs.queries, writes through okrs.actions."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format, get_format, sanitize_separators
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaran.accounts.queries import Actor
from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.limits import grouped
from sasaran.okrs import actions, plausibility, queries, rollup
from sasaran.okrs.history import for_reader, history_of
from sasaran.okrs.models import OVERRIDE_CHOICES, CheckIn, KeyResult, Objective, Retrospective
from sasaran.okrs.panels import kr_panels
from sasaran.okrs.permissions import can_grade, guard_open, require_checkin, require_edit
from sasaran.okrs.progress import NUMERIC_KINDS, STAY_DIRECTIONS, Kind
from sasaran.okrs.story import kr_story
from sasaran.okrs.views.feed import comment_context, with_comments
from sasaran.okrs.views.history import history_items
from sasaran.params import UNSET
from sasaran.web.fragments import format_value, places
from sasaran.web.markdown import render_markdown
from sasaran.web.pages import actor_page, kept_page

FEED_LIMIT = 12
HISTORY_LIMIT = 20
# Of those, the latest few are shown; the rest wait behind a "Show N more" (a <details>, so no
# script and the htmx out-of-band swaps replace it like the rest of the section).
FEED_SHOWN = 5
HISTORY_SHOWN = 5

CONFIDENCE_LABELS = {
    1: gettext_lazy("Very low"),
    2: gettext_lazy("Low"),
    3: gettext_lazy("Medium"),
    4: gettext_lazy("High"),
    5: gettext_lazy("Very high"),
}
CHECKIN_FIELDS = ("value", "confidence", "progress_note", "wins", "blockers", "milestones_done")


# ---- reading ---------------------------------------------------------------------------------


def _may(check, *args) -> bool:
    try:
        check(*args)
    except (Forbidden, Conflict):
        return False
    return True


def _load(actor: Actor, objective_id: int) -> tuple[Objective, list[KeyResult]]:
    obj = queries.get_objective(actor, objective_id)
    krs = list(
        queries.visible_key_results(actor)
        .filter(objective=obj)
        .select_related("owner")
        .prefetch_related("milestones")
    )
    for kr in krs:
        # kr_row and the permission checks read the objective, its cycle and workspace: no query.
        kr.objective = obj
    return obj, krs


def _objective_context(
    actor: Actor,
    objective_id: int,
    *,
    forms: dict[int, dict] | None = None,
    notices: dict[int, tuple[str, str]] | None = None,
    comments: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the objective page shows, in a constant number of queries."""
    now = timezone.now()
    forms, notices = forms or {}, notices or {}
    obj, krs = _load(actor, objective_id)
    cycle, workspace = obj.cycle, obj.workspace
    parent = None
    if obj.parent_id is not None:
        parent = queries.visible_objectives(actor).filter(pk=obj.parent_id).first()
    children = list(
        queries.visible_objectives(actor)
        .filter(parent=obj)
        .select_related("team", "owner", "cycle")
        .order_by("position", "id")
    )
    kr_by_id = {kr.pk: kr for kr in krs}
    checkins = list(
        CheckIn.objects.filter(key_result_id__in=list(kr_by_id))
        .select_related("author")
        .order_by("checked_in_at", "id")
    )
    points: dict[int, list[tuple[dt.datetime, float]]] = {kr.pk: [] for kr in krs}
    for c in checkins:
        points[c.key_result_id].append((c.checked_in_at, c.value))
        c.kr = kr_by_id[c.key_result_id]
        c.confidence_label = CONFIDENCE_LABELS.get(c.confidence, "")
    # Comments interleaved with check-ins by time (okrs.views.feed); `comments` carries the
    # comment forms' state after a refused post.
    feed = with_comments(actor, obj, checkins[::-1][:FEED_LIMIT], FEED_LIMIT, comments)
    history = history_items(
        actor, for_reader(actor, list(history_of(actor, obj.pk)[:HISTORY_LIMIT]))
    )

    writable = _may(guard_open, actor, cycle)
    can_edit = writable and _may(require_edit, actor, obj)
    retrospective = Retrospective.objects.filter(objective=obj).first() if cycle.is_closed else None
    # Before its cycle starts a KR takes no check-in (the action refuses the date): no form.
    not_started = rollup.not_started(cycle, workspace, now)
    panels = kr_panels(actor, krs, now)  # sections of the apps above (work: initiatives)
    rows = []
    for kr in krs:
        row = queries.kr_row(kr, cycle, now)
        may_checkin = writable and not not_started and _may(require_checkin, actor, kr)
        rows.append(
            {
                **row,
                "kr": kr,
                "confidence_label": CONFIDENCE_LABELS.get(kr.confidence or 0, ""),
                "milestones": list(kr.milestones.all()),
                "chart": _chart(kr, row, points[kr.pk], cycle, workspace, now),
                "forecast_label": _forecast_label(kr),
                "story": kr_story(
                    status=kr.status,
                    pace=rollup.kr_pace(kr, cycle, workspace, now),
                    confidence=kr.confidence,
                    overridden=bool(kr.status_override),
                    projected_progress=kr.forecast_progress,
                    closed_at_progress=kr.progress if cycle.is_closed else UNSET,
                ),
                "can_checkin": may_checkin,
                "checkin": forms.get(kr.pk, {}).get("checkin") or _checkin_initial(kr),
                "override": forms.get(kr.pk, {}).get("override") or _override_initial(kr),
                "notice": notices.get(kr.pk),
                "panels": panels[kr.pk],
            }
        )
    return {
        **comment_context(actor, obj, comments, rows),
        "obj": obj,
        "cycle": cycle,
        "can_edit": can_edit,
        "can_save_template": can_edit and actor.is_admin,
        "can_grade": cycle.is_closed and can_grade(actor, obj),
        "retrospective": retrospective,
        "parent": parent,
        "children": children,
        "description": render_markdown(obj.description),
        "krs": rows,
        "feed": feed[:FEED_SHOWN],
        "feed_more": feed[FEED_SHOWN:],
        "history": history[:HISTORY_SHOWN],
        "history_more": history[HISTORY_SHOWN:],
        "status_choices": OVERRIDE_CHOICES,
        "confidence_choices": list(CONFIDENCE_LABELS.items()),
    }


def _forecast_label(kr: KeyResult) -> str:
    """The projected value in the KR's unit. A straight line through a few check-ins is an
    estimate: it gets no more decimals than the KR's own values use ("110.5%", not "110.49%")."""
    if kr.forecast_value is None:
        return ""
    decimals = max(places(v) for v in (kr.start_value, kr.target_value, kr.current_value))
    return format_value(round(kr.forecast_value, decimals), kr)


# ---- the chart -------------------------------------------------------------------------------

# A hand-written SVG: about 1 KB per key result, styled by objective.css, with a text
# description; pygal's output is ten times larger and carries its own styles.
CHART_W, CHART_H = 320, 150
PAD_L, PAD_R, PAD_T, PAD_B = 8, 8, 12, 22
# The target's label ends this far inside the plot's right edge, clear of the lines ending there.
LABEL_INSET = 6


def _day(t: dt.datetime, fmt: str) -> str:
    return date_format(timezone.localtime(t).date(), fmt)


def _chart(kr, row, points, cycle, workspace, now) -> dict[str, Any]:
    t0 = rollup.cycle_start(cycle, workspace)
    t1 = rollup.kr_due(kr, cycle, workspace)
    span = max((t1 - t0).total_seconds(), 1.0)
    values = [v for _, v in points] + [kr.start_value, kr.target_value]
    if kr.forecast_value is not None:
        values.append(kr.forecast_value)
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1
    margin = (hi - lo) * 0.08
    lo, hi = lo - margin, hi + margin
    inner_w, inner_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B

    def x(t: dt.datetime) -> float:
        return round(PAD_L + min(max((t - t0).total_seconds() / span, 0.0), 1.0) * inner_w, 1)

    def y(v: float) -> float:
        return round(PAD_T + (1 - (v - lo) / (hi - lo)) * inner_h, 1)

    actual = [(t0, kr.start_value), *points]
    dots = [
        {"x": x(t), "y": y(v), "label": f"{_day(t, 'SHORT_DATE_FORMAT')}: {format_value(v, kr)}"}
        for t, v in points
    ]
    stay = kr.direction in STAY_DIRECTIONS and kr.kind in NUMERIC_KINDS
    expected = None
    if not stay:
        expected = f"{x(t0)},{y(kr.start_value)} {x(t1)},{y(kr.target_value)}"
    forecast = None
    if kr.forecast_value is not None and points:
        last_t, last_v = points[-1]
        forecast = f"{x(last_t)},{y(last_v)} {x(t1)},{y(kr.forecast_value)}"
    today = x(now) if t0 <= now <= t1 else None
    desc = _("Started at %(start)s on %(from)s; now %(current)s; target %(target)s by %(due)s.") % {
        "start": format_value(kr.start_value, kr),
        "from": date_format(cycle.start_date, "SHORT_DATE_FORMAT"),
        "current": format_value(kr.current_value, kr),
        "target": format_value(kr.target_value, kr),
        "due": date_format(row["due_date"], "SHORT_DATE_FORMAT"),
    }
    return {
        "w": CHART_W,
        "h": CHART_H,
        "left": PAD_L,
        "right": CHART_W - PAD_R,
        "bottom": CHART_H - PAD_B,
        "actual": " ".join(f"{x(t)},{y(v)}" for t, v in actual),
        "dots": dots,
        "expected": expected,
        "forecast": forecast,
        "target_y": y(kr.target_value),
        "target_label": format_value(kr.target_value, kr),
        "target_label_x": CHART_W - PAD_R - LABEL_INSET,
        "today": today,
        "start_label": date_format(cycle.start_date, "MONTH_DAY_FORMAT"),
        "due_label": date_format(row["due_date"], "MONTH_DAY_FORMAT"),
        "desc": desc,
    }


# ---- forms -----------------------------------------------------------------------------------


def _input_number(v: float) -> str:
    text = f"{v:.10g}"
    return text if "e" in text else text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _checkin_initial(kr: KeyResult) -> dict[str, Any]:
    return {
        "values": {
            "value": _input_number(kr.current_value),
            "done": kr.current_value >= 1,
            "confidence": str(kr.confidence or ""),
            "milestones_done": [str(m.pk) for m in kr.milestones.all() if m.done],
        },
        "errors": {},
    }


def _override_initial(kr: KeyResult) -> dict[str, Any]:
    return {
        "values": {
            "status_override": kr.status_override,
            "status_override_reason": kr.status_override_reason,
        },
        "errors": {},
    }


def _number(raw: str) -> float | str | None:
    raw = raw.strip()
    if not raw:
        return None
    # Grouped by threes in the reader's convention first ("1,000,000"; "1.000" is a thousand
    # in Indonesian), then as Django reads a number ("72.5" in Indonesian too, "1e15").
    number = plausibility.read_as(raw, get_format("DECIMAL_SEPARATOR"))
    if number is not None:
        return number
    try:
        return float(sanitize_separators(raw))
    except ValueError:
        return raw  # the action refuses it, naming the field


def _checkin_arguments(kr: KeyResult, post) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the user typed, to show again; the action's keyword arguments)."""
    typed = {
        "value": post.get("value", ""),
        "done": post.get("value") in ("1", "on", "true"),
        "confidence": post.get("confidence", ""),
        "progress_note": post.get("progress_note", ""),
        "wins": post.get("wins", ""),
        "blockers": post.get("blockers", ""),
        "milestones_done": post.getlist("milestones_done"),
    }
    # "Save 72.5 instead" (the far-out question's suggestion) replaces what was typed.
    if post.get("suggested_value"):
        typed["value"] = post["suggested_value"]
    raw_conf = typed["confidence"].strip()
    kwargs: dict[str, Any] = {
        "confidence": int(raw_conf) if raw_conf.isdigit() else None,
        "progress_note": typed["progress_note"],
        "wins": typed["wins"],
        "blockers": typed["blockers"],
    }
    if kr.kind == Kind.MILESTONES:
        kwargs["milestones_done"] = [int(m) if m.isdigit() else m for m in typed["milestones_done"]]
    elif kr.kind == Kind.BOOLEAN:
        kwargs["value"] = typed["done"]
    elif kr.kind != Kind.TASKS:
        kwargs["value"] = _number(typed["value"])
        # "Yes, save …" confirms the value it names: a value changed since is asked about again.
        confirmed = post.get("confirm_out_of_range")
        kwargs["confirm_out_of_range"] = confirmed is not None and confirmed == typed["value"]
    return typed, kwargs


def _far_question(kr: KeyResult, exc: actions.FarFromRange, typed: str) -> dict[str, str]:
    """The "did you mean …?" of a value far outside the KR's range, with the reading of what
    was typed that fits (a decimal mark taken for grouping), if there is one."""
    values = {
        "value": format_value(exc.value, kr),
        "start": format_value(kr.start_value, kr),
        "target": format_value(kr.target_value, kr),
    }
    guess = plausibility.suggestion(typed, exc.value, kr.start_value, kr.target_value, kr.direction)
    if guess is None:
        question = (
            _(
                "%(value)s is far outside this key result's range (start %(start)s, target "
                "%(target)s). Is it right?"
            )
            % values
        )
        return {"question": question, "value_label": grouped(exc.value)}
    question = _(
        "%(value)s is far outside this key result's range (start %(start)s, target "
        "%(target)s). Did you mean %(suggestion)s?"
    ) % {**values, "suggestion": format_value(guess, kr)}
    return {
        "question": question,
        "value_label": grouped(exc.value),
        "suggestion": _input_number(guess),
        "suggestion_label": grouped(guess),
    }


def _errors(exc: Invalid, fields) -> tuple[dict[str, str], str]:
    """Field errors go next to their field; anything else is shown above the form."""
    by_field = {e["field"]: e["message"] for e in exc.errors if e.get("field") in fields}
    general = "" if by_field else exc.message
    return by_field, general


def _vary(response: HttpResponse) -> HttpResponse:
    # One URL answers with a fragment for htmx and a page otherwise: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _kr_fragment(
    request: HttpRequest,
    kr: KeyResult,
    *,
    forms: dict | None = None,
    notice: tuple[str, str] | None = None,
    after_write: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The KR's card; after a write also the objective's summary, feed and history (out of band)."""
    context = _objective_context(
        request.actor,
        kr.objective_id,
        forms={kr.pk: forms} if forms else None,
        notices={kr.pk: notice} if notice else None,
    )
    context.update(k=next(r for r in context["krs"] if r["id"] == kr.pk), oob=after_write)
    html = render_to_string("okrs/objective/_kr.html", context, request)
    if after_write:
        html += render_to_string("okrs/objective/_oob.html", context, request)
    return _vary(HttpResponse(html, status=status))


def _objective_url(kr: KeyResult) -> str:
    return reverse("objective", args=[kr.objective_id]) + f"#kr-{kr.pk}"


# ---- views -----------------------------------------------------------------------------------


@actor_page
@kept_page
def objective_page(request: HttpRequest, objective_id: int) -> HttpResponse:
    context = _objective_context(request.actor, objective_id)
    return render(request, "okrs/objective/page.html", context)


def _standalone(request, kr, template: str, form: dict, status: int = 200) -> HttpResponse:
    kr.objective = queries.get_objective(request.actor, kr.objective_id)
    milestones = list(kr.milestones.all())
    return _vary(
        render(
            request,
            template,
            {
                "kr": kr,
                "obj": kr.objective,
                "milestones": milestones,
                "form": form,
                "status_choices": OVERRIDE_CHOICES,
                "confidence_choices": list(CONFIDENCE_LABELS.items()),
            },
            status=status,
        )
    )


@actor_page
def checkin(request: HttpRequest, kr_id: int) -> HttpResponse:
    """GET: the check-in page (linked from everywhere). POST: check in, then back to the
    objective; an htmx POST answers with the updated fragments instead."""
    actor = request.actor
    kr = queries.get_key_result(actor, kr_id)
    if request.method != "POST":
        guard_open(actor, kr.objective.cycle)
        require_checkin(actor, kr)
        return _standalone(request, kr, "okrs/objective/checkin.html", _checkin_initial(kr))
    typed, kwargs = _checkin_arguments(kr, request.POST)
    try:
        actions.create_checkin(actor, kr.pk, **kwargs)
    except actions.FarFromRange as exc:
        far = _far_question(kr, exc, typed["value"])
        form = {"values": typed, "errors": {}, "far": far, "open": True}
        if request.htmx:
            return _kr_fragment(request, kr, forms={"checkin": form}, status=422)
        return _standalone(request, kr, "okrs/objective/checkin.html", form, status=422)
    except Invalid as exc:
        errors, general = _errors(exc, CHECKIN_FIELDS)
        form = {"values": typed, "errors": errors, "error": general, "open": True}
        if request.htmx:
            return _kr_fragment(request, kr, forms={"checkin": form}, status=422)
        return _standalone(request, kr, "okrs/objective/checkin.html", form, status=422)
    except (Forbidden, Conflict) as exc:
        if request.htmx:
            return _kr_fragment(request, kr, notice=("error", exc.message), status=exc.status)
        raise
    if request.htmx:
        return _kr_fragment(request, kr, notice=("ok", _("Check-in saved.")), after_write=True)
    # The page it lands on says so (the full check-in page has no fragment to update).
    messages.success(request, _("Check-in saved: %(title)s") % {"title": kr.title})
    return HttpResponseRedirect(_objective_url(kr))


@actor_page
def status_override(request: HttpRequest, kr_id: int) -> HttpResponse:
    """Set or clear a KR's status override (with a reason); the action decides who may."""
    actor = request.actor
    kr = queries.get_key_result(actor, kr_id)
    if request.method != "POST":
        guard_open(actor, kr.objective.cycle)
        require_checkin(actor, kr)
        return _standalone(request, kr, "okrs/objective/override.html", _override_initial(kr))
    typed = {
        "status_override": request.POST.get("status_override", ""),
        "status_override_reason": request.POST.get("status_override_reason", ""),
    }
    try:
        actions.update_key_result(actor, kr, **typed)
    except Invalid as exc:
        errors, general = _errors(exc, typed)
        form = {"values": typed, "errors": errors, "error": general, "open": True}
        if request.htmx:
            return _kr_fragment(request, kr, forms={"override": form}, status=422)
        return _standalone(request, kr, "okrs/objective/override.html", form, status=422)
    except (Forbidden, Conflict) as exc:
        if request.htmx:
            return _kr_fragment(request, kr, notice=("error", exc.message), status=exc.status)
        raise
    if request.htmx:
        message = (
            _("Status overridden.") if typed["status_override"] else _("Status is automatic again.")
        )
        return _kr_fragment(request, kr, notice=("ok", message), after_write=True)
    return HttpResponseRedirect(_objective_url(kr))


urlpatterns = [
    path("objectives/<int:objective_id>/", objective_page, name="objective"),
    path("key-results/<int:kr_id>/check-in/", checkin, name="kr_checkin"),
    path("key-results/<int:kr_id>/status/", status_override, name="kr_status"),
]
