"""Pages: cycles. List, create and activate them; close one by walking through its grades and
retrospectives; celebrate its wins; carry its unfinished key results into the next cycle.

Every write goes through okrs.actions (create_cycle, update_cycle, close_cycle, carry_over).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sasaran.accounts import teamtree
from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.okrs import actions, carrying, explore, grading, queries
from sasaran.okrs.forms import SCORE_CHOICES, CycleForm
from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Retrospective
from sasaran.okrs.permissions import can_grade, require_admin, require_edit, visibility_q
from sasaran.web.pages import actor_page

RETRO_FIELDS = ("what_worked", "learnings", "root_causes")
# The score choices with the colour band each falls in, so the select can show the band the help
# text promises (green 0.7-1.0, yellow 0.4-0.6, red 0.0-0.3).
SCORE_BAND_CHOICES = [
    (v, label, grading.grade_colour(float(v)).value) for v, label in SCORE_CHOICES
]
# Check-in wins shown on the celebrate page; the rest are counted, not listed.
WIN_NOTES_SHOWN = 30


def _as_tree(cycles: list[Cycle]) -> list[Cycle]:
    """The cycles with each one's children right beneath it, in the order given at every level;
    each gets `depth` (0 for a top-level cycle). Sorting by start date alone interleaves a year
    with its quarters (2027-Q1 above FY2027, FY2026 below its own Q3)."""
    by_id = {c.pk: c for c in cycles}
    children: dict[int, list[Cycle]] = {}
    roots = []
    for c in cycles:
        if c.parent_id in by_id:
            children.setdefault(c.parent_id, []).append(c)
        else:  # top level, or its parent is not in the list
            roots.append(c)
    ordered: list[Cycle] = []
    placed: set[int] = set()

    def place(c: Cycle, depth: int) -> None:
        if c.pk in placed:
            return
        placed.add(c.pk)
        c.depth = depth
        ordered.append(c)
        for child in children.get(c.pk, []):
            place(child, depth + 1)

    for c in roots:
        place(c, 0)
    # A parent loop has no root to hang from; list it rather than lose it.
    for c in cycles:
        place(c, 0)
    return ordered


def _free_quarter_name(taken: set[str], today) -> str:
    """The first quarter after today's whose name ("2027-Q2") no cycle has yet: a placeholder
    naming an existing cycle reads as a suggestion to create it again."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    while True:
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        name = f"{year}-Q{quarter}"
        if name not in taken:
            return name


def _list(request, form, status=200):
    actor = request.actor
    cycles = list(
        queries.cycles(actor)
        .select_related("parent")
        # Only the objectives the actor may see: a private one must not show even as a count.
        .annotate(n_objectives=Count("objectives", filter=visibility_q(actor, "objectives__")))
        .order_by("-start_date", "name")
    )
    if form is not None:
        form.fields["name"].widget.attrs["placeholder"] = _free_quarter_name(
            {c.name for c in cycles}, timezone.localdate()
        )
    return render(
        request,
        "okrs/cycles/list.html",
        {
            "cycles": _as_tree(cycles),
            "form": form,
            "is_admin": actor.is_admin,
            "can_write": actor.can_write,
        },
        status=status,
    )


def _cycle_form(actor, data=None):
    parents = queries.cycles(actor).filter(parent__isnull=True).order_by("-start_date")
    return CycleForm(data, parents=list(parents))


@actor_page
def cycle_list(request):
    return _list(request, _cycle_form(request.actor) if request.actor.is_admin else None)


@require_POST
@actor_page
def cycle_new(request):
    actor = request.actor
    require_admin(actor)
    form = _cycle_form(actor, request.POST)
    if form.is_valid():
        try:
            actions.create_cycle(actor, **form.action_fields())
        except Invalid as exc:
            form.show_error(exc)
        else:
            return redirect("cycles")
    form.mark_invalid()
    return _list(request, form, status=422)


@require_POST
@actor_page
def cycle_activate(request, cycle_id: int):
    cycle = queries.get_cycle(request.actor, cycle_id)
    actions.update_cycle(request.actor, cycle, state=CycleState.ACTIVE)
    messages.success(request, _("%(name)s is now active.") % {"name": cycle.name})
    # Two quarters running at once is allowed (late check-ins), but rarely meant: say so.
    still = (
        queries.cycles(request.actor)
        .filter(state=CycleState.ACTIVE, parent_id=cycle.parent_id)
        .exclude(pk=cycle.pk)
        .values_list("name", flat=True)
    )
    for name in still:
        messages.warning(
            request,
            _("%(name)s is still active too: close it once its last check-ins are in.")
            % {"name": name},
        )
    return redirect("cycles")


def _band(score: str) -> str:
    """Colour band (green, yellow, red) of a score as posted; empty when it is no number."""
    try:
        return grading.grade_colour(float(score)).value
    except ValueError:
        return ""


def _grading_rows(actor, cycle: Cycle):
    """Objectives of the cycle with their KRs and retrospectives: four queries, whatever the
    number of rows."""
    objectives = list(
        queries.visible_objectives(actor)
        .filter(cycle=cycle)
        .select_related("team", "owner")
        .order_by(F("team__name").asc(nulls_last=True), "position", "id")
    )
    krs = KeyResult.objects.filter(objective__in=objectives).select_related("owner")
    by_objective: dict[int, list[KeyResult]] = {o.pk: [] for o in objectives}
    for kr in krs:
        kr.suggested = grading.suggest_score(kr.progress)
        kr.suggested_band = grading.grade_colour(kr.suggested).value
        by_objective[kr.objective_id].append(kr)
    retros = {r.objective_id: r for r in Retrospective.objects.filter(objective__in=objectives)}
    return [{"obj": o, "krs": by_objective[o.pk], "retro": retros.get(o.pk)} for o in objectives]


@actor_page
def cycle_close(request, cycle_id: int):
    actor = request.actor
    require_admin(actor)
    cycle = queries.get_cycle(actor, cycle_id)
    if cycle.is_closed:
        return redirect("cycle-celebrate", cycle.pk)
    rows = _grading_rows(actor, cycle)
    errors: dict[int, str] = {}
    page_error = ""
    status = 200
    confirming = False
    for row in rows:
        retro = row["retro"]
        row["retro_values"] = {f: getattr(retro, f) if retro else "" for f in RETRO_FIELDS}
        for kr in row["krs"]:
            kr.chosen = f"{kr.suggested:.1f}"
            kr.reason = kr.score_reason
    if request.method == "POST":
        scores: dict[int, tuple[float, str]] = {}
        retrospectives: dict[int, dict[str, str]] = {}
        for row in rows:
            for kr in row["krs"]:
                kr.chosen = request.POST.get(f"score-{kr.pk}", kr.chosen)
                kr.reason = request.POST.get(f"reason-{kr.pk}", "").strip()
                try:
                    score = float(kr.chosen)
                except ValueError:
                    errors[kr.pk] = _("Choose a score from 0.0 to 1.0.")
                    continue
                if abs(score - kr.suggested) > 1e-9 and not kr.reason:
                    errors[kr.pk] = _(
                        "Say why you score it %(score)s instead of the suggested %(suggested)s."
                    ) % {
                        "score": number_format(score, decimal_pos=1),
                        "suggested": number_format(kr.suggested, decimal_pos=1),
                    }
                scores[kr.pk] = (score, kr.reason)
            values = {f: request.POST.get(f"{f}-{row['obj'].pk}", "") for f in RETRO_FIELDS}
            row["retro_values"] = values
            if row["retro"] is not None or any(v.strip() for v in values.values()):
                retrospectives[row["obj"].pk] = values
        if not errors and request.POST.get("confirm") != "1":
            # A first submit only asks: closing freezes the cycle (and may be early).
            confirming = True
        elif not errors:
            try:
                actions.close_cycle(actor, cycle, scores=scores, retrospectives=retrospectives)
            except Invalid as exc:
                page_error = exc.message
            else:
                return redirect("cycle-celebrate", cycle.pk)
        if not confirming:
            status = 422
    for row in rows:
        for kr in row["krs"]:
            kr.error = errors.get(kr.pk, "")
            kr.chosen_band = _band(kr.chosen)
    return render(
        request,
        "okrs/cycles/close.html",
        {
            "cycle": cycle,
            "rows": rows,
            "score_choices": SCORE_BAND_CHOICES,
            "error_count": len(errors),
            "page_error": page_error,
            "n_krs": sum(len(r["krs"]) for r in rows),
            "confirming": confirming,
            "facts": _close_facts(actor, cycle),
        },
        status=status,
    )


# "No check-in this month": none within this many days before the close.
QUIET_DAYS = 30


def _close_facts(actor, cycle: Cycle) -> dict:
    """What the close confirmation states: the key results nobody has checked in on for a month
    (their score is their last known progress) and how early the cycle closes."""
    now = timezone.now()
    today = timezone.localtime(now, ZoneInfo(actor.workspace.time_zone)).date()
    quiet = (
        KeyResult.objects.filter(objective__cycle=cycle)
        .filter(
            Q(last_checkin_at__isnull=True)
            | Q(last_checkin_at__lt=now - dt.timedelta(days=QUIET_DAYS))
        )
        .count()
    )
    return {"quiet": quiet, "days_early": max((cycle.end_date - today).days, 0)}


class _Refused(Exception):
    """Rolls back one objective's grading when a score or the retrospective is refused."""


@actor_page
def cycle_grade(request, cycle_id: int):
    """After the close: the objectives the reader may grade (their own, their teams' as a lead,
    all for an admin), each saved on its own: its key results' scores (a reason when one
    departs from the suggestion) and its retrospective."""
    actor = request.actor
    cycle = queries.get_cycle(actor, cycle_id)
    rows = [r for r in _grading_rows(actor, cycle) if can_grade(actor, r["obj"])]
    for row in rows:
        row["obj"].cycle = cycle
    errors: dict[int, str] = {}
    retro_error: dict[int, str] = {}
    for row in rows:
        retro = row["retro"]
        row["retro_values"] = {f: getattr(retro, f) if retro else "" for f in RETRO_FIELDS}
        for kr in row["krs"]:
            kr.chosen = f"{kr.suggested if kr.score is None else kr.score:.1f}"
            kr.reason = kr.score_reason
    status = 200
    if request.method == "POST":
        if not cycle.is_closed:
            raise Conflict(_("Key results are graded when their cycle is closed."))
        row = next((r for r in rows if str(r["obj"].pk) == request.POST.get("objective")), None)
        if row is None:
            raise Forbidden(
                _(
                    "Only the objective's owner, its team's leads and admins may grade it and "
                    "write its retrospective."
                )
            )
        try:
            with transaction.atomic():
                _grade_objective(actor, row, request.POST, errors, retro_error)
        except _Refused:
            status = 422
        else:
            messages.success(
                request, _("Grades of “%(title)s” saved.") % {"title": row["obj"].title}
            )
            return redirect(f"{reverse('cycle-grade', args=[cycle.pk])}#obj-{row['obj'].pk}")
    for row in rows:
        row["retro_error"] = retro_error.get(row["obj"].pk, "")
        for kr in row["krs"]:
            kr.error = errors.get(kr.pk, "")
            kr.chosen_band = _band(kr.chosen)
    return render(
        request,
        "okrs/cycles/grade.html",
        {
            "cycle": cycle,
            "rows": rows,
            "score_choices": SCORE_BAND_CHOICES,
            "error_count": len(errors) + len(retro_error),
        },
        status=status,
    )


def _grade_objective(actor, row, posted, errors: dict, retro_error: dict) -> None:
    """Apply one objective's posted scores and retrospective; on any refusal, note it and raise
    _Refused (the caller's transaction then keeps nothing of it)."""
    obj = row["obj"]
    for kr in row["krs"]:
        kr.objective = obj  # loaded already (with its cycle): no query per key result
        kr.chosen = posted.get(f"score-{kr.pk}", kr.chosen)
        kr.reason = posted.get(f"reason-{kr.pk}", "").strip()
        try:
            score = float(kr.chosen)
        except ValueError:
            errors[kr.pk] = _("Choose a score from 0.0 to 1.0.")
            continue
        if kr.score is not None and abs(score - kr.score) < 1e-9 and kr.reason == kr.score_reason:
            continue  # unchanged: no grade entry in the history
        if abs(score - kr.suggested) > 1e-9 and not kr.reason:
            errors[kr.pk] = _(
                "Say why you score it %(score)s instead of the suggested %(suggested)s."
            ) % {"score": kr.chosen, "suggested": f"{kr.suggested:.1f}"}
            continue
        try:
            actions.grade_key_result(actor, kr, score, kr.reason)
        except Invalid as exc:
            errors[kr.pk] = exc.message
    values = {f: posted.get(f"{f}-{obj.pk}", "") for f in RETRO_FIELDS}
    row["retro_values"] = values
    before = {f: getattr(row["retro"], f) if row["retro"] else "" for f in RETRO_FIELDS}
    if {f: v.strip() for f, v in values.items()} != before:
        try:
            actions.save_retrospective(actor, obj, **values)
        except Invalid as exc:
            retro_error[obj.pk] = exc.message
    if errors or retro_error:
        raise _Refused


@actor_page
def cycle_celebrate(request, cycle_id: int):
    actor = request.actor
    cycle = queries.get_cycle(actor, cycle_id)
    krs = list(
        queries.visible_key_results(actor)
        .filter(objective__cycle=cycle)
        .select_related("objective__team", "owner")
        .order_by(F("score").desc(nulls_last=True), F("progress").desc(nulls_last=True), "id")
    )
    wins = [kr for kr in krs if (kr.score or 0) >= 0.7 - 1e-9 or (kr.progress or 0) >= 1.0]
    graded = [kr.score for kr in krs if kr.score is not None]
    objectives = list(
        queries.visible_objectives(actor)
        .filter(cycle=cycle, score__isnull=False)
        .select_related("team")
        .order_by("-score", "id")
    )
    met = [o for o in objectives if grading.succeeded(o.kind, o.score)]
    notes, more_notes = _win_notes(actor, cycle)
    for kr in wins:
        kr.grade = grading.grade_colour(kr.score).value if kr.score is not None else "green"
    return render(
        request,
        "okrs/cycles/celebrate.html",
        {
            "cycle": cycle,
            "wins": wins,
            "notes": notes,
            "more_notes": more_notes,
            "met": met,
            "n_objectives": len(objectives),
            "n_krs": len(krs),
            "average": round(sum(graded) / len(graded), 2) if graded else None,
            "can_carry": actor.can_write,
        },
    )


def _win_notes(actor, cycle: Cycle) -> tuple[list[CheckIn], int]:
    """The newest check-in wins of the cycle, each text once per key result (people repeat last
    week's win in this week's check-in), and how many more there are beyond those shown."""
    newest_first = (
        CheckIn.objects.filter(visibility_q(actor, "key_result__objective__"))
        .filter(key_result__objective__cycle=cycle)
        .exclude(wins="")
        .order_by("-checked_in_at", "-id")
        .values_list("id", "key_result_id", "wins")
    )
    seen: set[tuple[int, str]] = set()
    kept: list[int] = []
    for pk, kr_id, text in newest_first:
        # Spacing and case are no difference a reader would see as a new win.
        key = (kr_id, " ".join(text.split()).casefold())
        if key[1] and key not in seen:
            seen.add(key)
            kept.append(pk)
    shown = kept[:WIN_NOTES_SHOWN]
    by_id = CheckIn.objects.select_related("key_result", "author").in_bulk(shown)
    return [by_id[pk] for pk in shown], len(kept) - len(shown)


def _carry_candidates(actor, cycle: Cycle, teams: set[int] | None):
    """Unfinished KRs of the cycle on objectives the actor may edit (of `teams` when given),
    grouped by objective."""
    krs = queries.visible_key_results(actor).filter(
        Q(progress__lt=1.0) | Q(progress__isnull=True), objective__cycle=cycle
    )
    if teams is not None:
        krs = krs.filter(objective__team_id__in=teams)
    krs = list(
        krs.select_related("objective__team", "owner").order_by(
            "objective__team__name", "objective__position", "objective_id", "position"
        )
    )
    editable = []
    for kr in krs:
        try:
            require_edit(actor, kr.objective)
        except Forbidden:
            continue
        editable.append(kr)
    carried: dict[int, list[str]] = {}
    for origin_id, name in KeyResult.objects.filter(origin__in=editable).values_list(
        "origin_id", "objective__cycle__name"
    ):
        carried.setdefault(origin_id, []).append(name)
    groups: dict[int, dict] = {}
    for kr in editable:
        kr.carried_to = carried.get(kr.pk, [])
        groups.setdefault(kr.objective_id, {"obj": kr.objective, "krs": []})["krs"].append(kr)
    return list(groups.values())


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@actor_page
def cycle_carry_over(request, cycle_id: int):
    """Choose a team (with the teams beneath it) and the cycle to carry into; the team's
    unfinished key results come ticked, except those already in that cycle (shown as such).
    Without a team every editable key result is listed and none is ticked: carrying every
    team's work is a choice to make, not a default."""
    actor = request.actor
    if not actor.can_write:
        raise Forbidden(_("Viewers cannot carry key results over."))
    cycle = queries.get_cycle(actor, cycle_id)
    targets = list(
        queries.cycles(actor)
        .exclude(pk=cycle.pk)
        .exclude(state=CycleState.CLOSED)
        .order_by("start_date", "name")
    )
    # The next quarter after this one, else the next open cycle.
    default = next(
        (t for t in targets if t.start_date > cycle.start_date and t.pk != cycle.parent_id),
        targets[0] if targets else None,
    )
    params = request.POST if request.method == "POST" else request.GET
    tree = explore.team_tree(actor)
    team_id = _int(params.get("team"))
    if team_id not in {t.id for t in tree}:
        team_id = None
    teams = None
    if team_id is not None:
        teams = teamtree.descendants({t.id: t.parent_id for t in tree}, [team_id])
    target = next((t for t in targets if str(t.pk) == params.get("target")), default)
    groups = _carry_candidates(actor, cycle, teams)
    all_krs = [kr for g in groups for kr in g["krs"]]
    existing = (
        carrying.existing_in(target, [g["obj"] for g in groups], all_krs)
        if target
        else carrying.Existing()
    )
    for kr in all_krs:
        kr.in_target = kr.pk in existing.key_results
    error = ""
    chosen_ids = set()
    if team_id is not None:
        chosen_ids = {kr.pk for kr in all_krs if not kr.in_target}
    if request.method == "POST":
        chosen_ids = {int(v) for v in request.POST.getlist("kr") if v.isdigit()}
        if target is None or str(target.pk) != request.POST.get("target"):
            error = _("Choose the cycle to carry the key results into.")
        else:
            try:
                result = actions.carry_over(actor, cycle, target, sorted(chosen_ids))
            except Invalid as exc:
                error = exc.message
            else:
                _say_carried(request, result, target)
                return redirect(f"{reverse('okrs')}?{urlencode({'cycle': target.pk})}")
    return render(
        request,
        "okrs/cycles/carry_over.html",
        {
            "cycle": cycle,
            "groups": groups,
            "targets": targets,
            "target": target,
            "target_id": target.pk if target else None,
            "team_options": [(t.id, "\u00a0\u00a0" * (len(t.path) - 1) + t.name) for t in tree],
            "team_id": team_id,
            "chosen": chosen_ids,
            "error": error,
        },
        status=422 if error else 200,
    )


def _say_carried(request, result, target: Cycle) -> None:
    n, already = len(result.created), len(result.already)
    messages.success(
        request,
        ngettext(
            "%(n)s key result carried into %(name)s.",
            "%(n)s key results carried into %(name)s.",
            n,
        )
        % {"n": n, "name": target.name},
    )
    if already:
        messages.info(
            request,
            ngettext(
                "%(n)s key result was already in %(name)s and was not copied again.",
                "%(n)s key results were already in %(name)s and were not copied again.",
                already,
            )
            % {"n": already, "name": target.name},
        )
    if result.unaligned:
        messages.warning(
            request,
            ngettext(
                "%(n)s carried objective is aligned to nothing: its parent was not carried "
                "and does not span %(name)s (%(titles)s).",
                "%(n)s carried objectives are aligned to nothing: their parents were not "
                "carried and do not span %(name)s (%(titles)s).",
                len(result.unaligned),
            )
            % {
                "n": len(result.unaligned),
                "name": target.name,
                "titles": ", ".join(f"“{o.title}”" for o in result.unaligned),
            },
        )


urlpatterns = [
    path("cycles/", cycle_list, name="cycles"),
    path("cycles/new/", cycle_new, name="cycle-new"),
    path("cycles/<int:cycle_id>/activate/", cycle_activate, name="cycle-activate"),
    path("cycles/<int:cycle_id>/close/", cycle_close, name="cycle-close"),
    path("cycles/<int:cycle_id>/grade/", cycle_grade, name="cycle-grade"),
    path("cycles/<int:cycle_id>/celebrate/", cycle_celebrate, name="cycle-celebrate"),
    path("cycles/<int:cycle_id>/carry-over/", cycle_carry_over, name="cycle-carry-over"),
]
