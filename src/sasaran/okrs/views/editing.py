"""Pages: create, edit and delete objectives and key results, and start from a template.

Writes go through okrs.actions only; an Invalid error comes back next to the field it names,
with what the user typed kept. The new-objective page takes the objective and its key results
in one form, saved in one transaction.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sasaran.accounts.models import Membership, Role, Team, User
from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.okrs import actions, queries, templates_data
from sasaran.okrs.forms import KeyResultForm, ObjectiveForm
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Objective
from sasaran.okrs.permissions import require_edit
from sasaran.web.pages import actor_page

MAX_NEW_KRS = 10


class _Rollback(Exception):
    """Undo the objective when one of its key results is refused."""


def _members(actor, current: int | None = None) -> list[User]:
    """Who may own an objective or key result: members and admins (a viewer cannot check in),
    plus the current owner so that editing never silently changes it."""
    owners = Membership.objects.filter(workspace_id=actor.workspace_id).exclude(role=Role.VIEWER)
    users = User.objects.filter(Q(pk__in=owners.values("user_id")) | Q(pk=current))
    return list(users.order_by("name", "email"))


def _teams(actor, current_id: int | None = None) -> list[Team]:
    teams = Team.objects.filter(workspace_id=actor.workspace_id)
    if not actor.is_admin:
        teams = teams.filter(pk__in=[*actor.team_ids, current_id or 0])
    return list(teams.order_by("name"))


def _cycles(actor, current_id: int | None = None) -> list[Cycle]:
    cycles = queries.cycles(actor)
    if not actor.is_admin:
        cycles = cycles.filter(~Q(state=CycleState.CLOSED) | Q(pk=current_id or 0))
    return sorted(cycles, key=lambda c: (c.state == CycleState.CLOSED, -c.start_date.toordinal()))


def _default_cycle(cycles: list[Cycle]) -> Cycle | None:
    return next((c for c in cycles if c.state == CycleState.ACTIVE), cycles[0] if cycles else None)


def parent_choices(actor, cycle: Cycle | None, objective: Objective | None = None) -> list:
    """Objectives the actor can see in the cycle (or the cycle containing it), grouped by team.
    An objective being edited cannot align under itself or anything beneath it."""
    if cycle is None:
        return []
    cycle_ids = [cycle.pk] + ([cycle.parent_id] if cycle.parent_id else [])
    candidates = list(
        queries.visible_objectives(actor)
        .filter(cycle_id__in=cycle_ids)
        .select_related("team", "cycle")
        .order_by("cycle__start_date", "team__name", "position", "id")
    )
    excluded: set[int] = set()
    if objective is not None:
        children: dict[int, list[int]] = {}
        for pk, parent_id in Objective.objects.filter(
            workspace_id=actor.workspace_id, cycle_id__in=[*cycle_ids, objective.cycle_id]
        ).values_list("id", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        stack = [objective.pk]
        while stack:
            node = stack.pop()
            if node not in excluded:
                excluded.add(node)
                stack.extend(children.get(node, []))
    groups: dict[str, list] = {}
    for o in candidates:
        if o.pk in excluded:
            continue
        label = o.team.name if o.team else _("Personal")
        if o.cycle_id != cycle.pk:
            label = f"{label} · {o.cycle.name}"
        groups.setdefault(label, []).append((o.pk, o.title))
    return list(groups.items())


def _objective_form(actor, data=None, *, initial=None, objective=None):
    current_cycle = objective.cycle_id if objective else None
    cycles = _cycles(actor, current_cycle)
    chosen = None
    cycle_value = (data or {}).get("cycle_id") or (initial or {}).get("cycle_id")
    if cycle_value:
        chosen = next((c for c in cycles if str(c.pk) == str(cycle_value)), None)
    if chosen is None:
        chosen = objective.cycle if objective else _default_cycle(cycles)
    return ObjectiveForm(
        data,
        initial={"cycle_id": chosen.pk if chosen else None, **(initial or {})},
        cycles=cycles,
        teams=_teams(actor, objective.team_id if objective else None),
        members=_members(actor, objective.owner_id if objective else None),
        parents=parent_choices(actor, chosen, objective),
    )


def _kr_initial(kr: dict) -> dict:
    return {
        k: kr[k] for k in ("title", "kind", "direction", "start_value", "target_value", "unit")
    } | {"currency": kr.get("currency", "")}


def _templates_query(form) -> str:
    """The form's cycle and team, for the link to the templates (which keep them)."""
    values = form.data if form.is_bound else form.initial
    params = {
        name: values.get(f"{name}_id")
        for name in ("cycle", "team")
        if values.get(f"{name}_id") not in (None, "")
    }
    return urlencode(params)


def _render_new(request, form, kr_forms, template, status=200):
    blank = KeyResultForm(prefix="kr-__N__", members=_members(request.actor))
    return render(
        request,
        "okrs/editing/objective_new.html",
        {
            "form": form,
            "kr_forms": kr_forms,
            "blank_kr": blank,
            "template": template,
            "templates_query": _templates_query(form),
        },
        status=status,
    )


@actor_page
def new_objective(request):
    actor = request.actor
    if not actor.can_write:
        raise Forbidden(_("Viewers cannot create objectives."))
    members = _members(actor)
    template = templates_data.get(request.GET.get("template", ""))
    if request.method != "POST":
        initial = {"owner_id": actor.user_id}
        for name in ("cycle", "team", "parent"):
            if request.GET.get(name, "").isdigit():
                initial[f"{name}_id"] = int(request.GET[name])
        kr_initials: list[dict] = [{}]
        milestones: list = [[]]
        if template:
            initial["title"] = template["title"]
            if "team_id" not in initial:
                team = next(
                    (
                        t
                        for t in _teams(actor)
                        if t.name.lower() == template["department"].replace("-", " ")
                    ),
                    None,
                )
                initial["team_id"] = team.pk if team else ""
            kr_initials = [_kr_initial(kr) for kr in template["key_results"]]
            milestones = [kr["milestones"] for kr in template["key_results"]]
        form = _objective_form(actor, initial=initial)
        kr_forms = [
            KeyResultForm(
                prefix=f"kr-{i}",
                initial={"owner_id": actor.user_id, "weight": 1.0, **kr},
                members=members,
                milestones=milestones[i],
            )
            for i, kr in enumerate(kr_initials)
        ]
        return _render_new(request, form, kr_forms, template)

    try:
        count = min(int(request.POST.get("kr_count", "1")), MAX_NEW_KRS)
    except ValueError:
        count = 1
    if request.POST.get("add_kr"):
        count = min(count + 1, MAX_NEW_KRS)
    form = _objective_form(actor, request.POST)
    kr_forms = [
        KeyResultForm(request.POST, prefix=f"kr-{i}", members=members) for i in range(count)
    ]
    valid = form.is_valid()
    for kr_form in kr_forms:
        valid = kr_form.is_valid() and valid
    if request.POST.get("add_kr") or not valid:
        form.mark_invalid()
        for kr_form in kr_forms:
            kr_form.mark_invalid()
        return _render_new(request, form, kr_forms, None, status=200 if valid else 422)
    try:
        with transaction.atomic():
            objective = actions.create_objective(actor, **form.action_fields())
            for kr_form in kr_forms:
                if kr_form.is_blank():
                    continue
                try:
                    actions.create_key_result(
                        actor, objective, **kr_form.action_fields(creating=True)
                    )
                except Invalid as exc:
                    kr_form.show_error(exc)
                    raise _Rollback from exc
    except _Rollback:
        return _render_new(request, form, kr_forms, None, status=422)
    except Invalid as exc:
        form.show_error(exc)
        return _render_new(request, form, kr_forms, None, status=422)
    return redirect("objective", objective.pk)


@actor_page
def parent_options(request):
    """htmx: the alignment picker's options for the cycle just chosen."""
    actor = request.actor
    cycle = None
    if request.GET.get("cycle_id", "").isdigit():
        cycle = queries.cycles(actor).filter(pk=int(request.GET["cycle_id"])).first()
    objective = None
    if request.GET.get("objective", "").isdigit():
        objective = queries.get_objective(actor, int(request.GET["objective"]))
    return render(
        request,
        "okrs/editing/_parent_options.html",
        {"groups": parent_choices(actor, cycle, objective)},
    )


def _editable_objective(request, objective_id: int) -> Objective:
    objective = queries.get_objective(request.actor, objective_id)
    require_edit(request.actor, objective)
    return objective


@actor_page
def edit_objective(request, objective_id: int):
    actor = request.actor
    objective = _editable_objective(request, objective_id)
    initial = {
        "title": objective.title,
        "description": objective.description,
        "cycle_id": objective.cycle_id,
        "team_id": objective.team_id or "",
        "owner_id": objective.owner_id,
        "parent_id": objective.parent_id or "",
        "kind": objective.kind,
        "visibility": objective.visibility,
        "rollup_children": objective.rollup_children,
        "weight": objective.weight,
    }
    status = 200
    if request.method == "POST":
        form = _objective_form(actor, request.POST, objective=objective)
        if form.is_valid():
            fields = {
                k: v
                for k, v in form.action_fields().items()
                if v != getattr(objective, k) or k == "title"
            }
            try:
                actions.update_objective(actor, objective, **fields)
            except Invalid as exc:
                form.show_error(exc)
            else:
                return redirect("objective", objective.pk)
        form.mark_invalid()
        status = 422
    else:
        form = _objective_form(actor, initial=initial, objective=objective)
    krs = list(objective.key_results.select_related("owner"))
    return render(
        request,
        "okrs/editing/objective_edit.html",
        {"form": form, "objective": objective, "krs": krs},
        status=status,
    )


@actor_page
def delete_objective(request, objective_id: int):
    objective = _editable_objective(request, objective_id)
    return _confirm_delete(
        request,
        objective,
        delete=actions.delete_objective,
        done=reverse("home"),
        context={
            "thing": objective.title,
            "question": _("Delete this objective?"),
            "cancel": reverse("objective", args=[objective.pk]),
            "count": objective.key_results.count(),
        },
    )


def _confirm_delete(request, obj, *, delete, done: str, context: dict):
    """The confirmation page; on POST the delete, or the page again with the action's refusal."""
    if request.method == "POST":
        try:
            delete(request.actor, obj)
        except Conflict as exc:
            context = {**context, "refused": exc.message}
            return render(request, "okrs/editing/confirm_delete.html", context, status=exc.status)
        messages.success(request, _("“%(thing)s” was deleted.") % {"thing": context["thing"]})
        return redirect(done)
    # Say it before the button, not after it: no Delete is offered for what would be refused.
    context = {**context, "refused": actions.why_not_deleted(obj)}
    return render(request, "okrs/editing/confirm_delete.html", context)


def _render_kr(request, form, objective, kr=None, status=200):
    return render(
        request,
        "okrs/editing/key_result_form.html",
        {"form": form, "objective": objective, "kr": kr},
        status=status,
    )


@actor_page
def new_key_result(request, objective_id: int):
    actor = request.actor
    objective = _editable_objective(request, objective_id)
    members = _members(actor)
    if request.method == "POST":
        form = KeyResultForm(request.POST, members=members)
        if form.is_valid():
            try:
                actions.create_key_result(actor, objective, **form.action_fields(creating=True))
            except Invalid as exc:
                form.show_error(exc)
            else:
                return redirect("objective", objective.pk)
        form.mark_invalid()
        return _render_kr(request, form, objective, status=422)
    form = KeyResultForm(
        initial={"owner_id": objective.owner_id or actor.user_id, "weight": 1.0},
        members=members,
    )
    return _render_kr(request, form, objective)


def _editable_kr(request, kr_id: int) -> KeyResult:
    kr = queries.get_key_result(request.actor, kr_id)
    require_edit(request.actor, kr.objective)
    return kr


@actor_page
def edit_key_result(request, kr_id: int):
    actor = request.actor
    kr = _editable_kr(request, kr_id)
    members = _members(actor, kr.owner_id)
    if request.method == "POST":
        form = KeyResultForm(request.POST, members=members)
        if form.is_valid():
            try:
                actions.update_key_result(actor, kr, **form.action_fields(creating=False))
            except Invalid as exc:
                form.show_error(exc)
            else:
                return redirect("objective", kr.objective_id)
        form.mark_invalid()
        return _render_kr(request, form, kr.objective, kr, status=422)
    initial = {
        name: getattr(kr, name)
        for name in (
            "title",
            "description",
            "kind",
            "direction",
            "start_value",
            "target_value",
            "unit",
            "currency",
            "weight",
            "due_date",
            "owner_id",
        )
    }
    milestones = [{"id": m.pk, "title": m.title, "weight": m.weight} for m in kr.milestones.all()]
    form = KeyResultForm(initial=initial, members=members, milestones=milestones)
    return _render_kr(request, form, kr.objective, kr)


@actor_page
def delete_key_result(request, kr_id: int):
    kr = _editable_kr(request, kr_id)
    return _confirm_delete(
        request,
        kr,
        delete=actions.delete_key_result,
        done=reverse("objective", args=[kr.objective_id]),
        context={
            "thing": kr.title,
            "question": _("Delete this key result?"),
            "cancel": reverse("objective", args=[kr.objective_id]),
            "count": None,
        },
    )


urlpatterns = [
    path("objectives/new/", new_objective, name="objective-new"),
    path("objectives/parent-options/", parent_options, name="objective-parent-options"),
    path("objectives/<int:objective_id>/edit/", edit_objective, name="objective-edit"),
    path("objectives/<int:objective_id>/delete/", delete_objective, name="objective-delete"),
    path("objectives/<int:objective_id>/key-results/new/", new_key_result, name="key-result-new"),
    path("key-results/<int:kr_id>/edit/", edit_key_result, name="key-result-edit"),
    path("key-results/<int:kr_id>/delete/", delete_key_result, name="key-result-delete"),
]
