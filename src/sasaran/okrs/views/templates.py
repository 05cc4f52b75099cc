"""Pages: build a team's set of objectives from templates, and keep an objective as a template.

The picker starts from a team and a cycle (kept from the page the reader came from, through the
`team` and `cycle` parameters) and takes several templates at once; the review form asks, for
each key result, today's value and the target, then creates every objective in one transaction
through the ordinary actions. Any refusal is shown next to its field and nothing is created.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sasaran.errors import Conflict, Forbidden, Invalid
from sasaran.okrs import actions, queries, templates_data
from sasaran.okrs.forms import TemplateKeyResultForm, TemplateObjectiveForm, TemplateSetForm
from sasaran.okrs.views.editing import _cycles, _default_cycle, _members, _teams
from sasaran.web.pages import actor_page

MAX_PICKED = 12
WORKSPACE_PREFIX = queries.WORKSPACE_TEMPLATE_PREFIX


def _picked(actor, keys: list[str]) -> list[dict]:
    """The templates named by `keys`, in the order given, each once; unknown keys are skipped."""
    keys = list(dict.fromkeys(k for k in keys if k))[:MAX_PICKED]
    numbers = [k[len(WORKSPACE_PREFIX) :] for k in keys if k.startswith(WORKSPACE_PREFIX)]
    ids = [int(n) for n in numbers if n.isascii() and n.isdigit()]
    own = {
        f"{WORKSPACE_PREFIX}{t.pk}": queries.template_dict(t)
        for t in queries.workspace_templates(actor).filter(pk__in=[i for i in ids if 0 < i < 2**31])
    }
    out = []
    for key in keys:
        template = own.get(key) if key.startswith(WORKSPACE_PREFIX) else templates_data.get(key)
        if template is not None:
            out.append(template)
    return out


def _own_team(actor, teams) -> int | str:
    """The reader's team: of the teams they belong to, the most specific one (not the parent of
    another of theirs); none: personal."""
    mine = [t for t in teams if t.pk in actor.team_ids]
    parents = {t.parent_id for t in mine}
    leaves = [t for t in mine if t.pk not in parents] or mine
    return leaves[0].pk if leaves else ""


def _set_form(actor, data=None, params=None):
    """The team-and-cycle form; unbound, its choice comes from `params` (team, cycle) or the
    defaults: the reader's team and the active cycle."""
    cycles = _cycles(actor)
    teams = _teams(actor)
    if data is not None:
        return TemplateSetForm(data, cycles=cycles, teams=teams)
    params = params or QueryDict()
    cycle = next((c for c in cycles if str(c.pk) == params.get("cycle")), None)
    cycle = cycle or _default_cycle(cycles)
    team = params.get("team")
    if team is None or not (team == "" or any(str(t.pk) == team for t in teams)):
        team = _own_team(actor, teams)
    return TemplateSetForm(
        initial={"cycle_id": cycle.pk if cycle else None, "team_id": team},
        cycles=cycles,
        teams=teams,
    )


def _query(params, keys=()) -> str:
    """The team, cycle (and picked templates) as query parameters, to come back with them."""
    q = QueryDict(mutable=True)
    for name, field in (("cycle", "cycle_id"), ("team", "team_id")):
        value = params.get(field, params.get(name))
        if value is not None:
            q[name] = str(value)
    q.setlist("t", list(keys))
    return q.urlencode()


@actor_page
def template_picker(request) -> HttpResponse:
    actor = request.actor
    return _render_picker(request, _set_form(actor, params=request.GET), request.GET.getlist("t"))


def _render_picker(request, form, picked: list[str], error: str = "", status: int = 200):
    actor = request.actor
    own = [queries.template_dict(t) for t in queries.workspace_templates(actor)]
    return render(
        request,
        "okrs/editing/templates.html",
        {
            "form": form,
            "departments": templates_data.by_department(),
            "own_templates": own,
            "picked": set(picked),
            "error": error,
            "query": _query(form.data if form.is_bound else form.initial),
            "is_admin": actor.is_admin,
        },
        status=status,
    )


def _kr_forms(
    actor, template: dict, prefix: str, members, data=None
) -> list[TemplateKeyResultForm]:
    return [
        TemplateKeyResultForm(
            data,
            prefix=f"{prefix}-k{j}",
            template_kr=kr,
            members=members,
            initial={"use": True, "target_value": kr["target_value"], "owner_id": actor.user_id},
        )
        for j, kr in enumerate(template["key_results"])
    ]


def _blocks(actor, templates: list[dict], data=None) -> list[dict]:
    """One block per picked template: its objective's form and its key results' forms."""
    members = _members(actor)
    return [
        {
            "template": t,
            "form": TemplateObjectiveForm(data, prefix=f"o{i}", initial={"title": t["title"]}),
            "krs": _kr_forms(actor, t, f"o{i}", members, data),
        }
        for i, t in enumerate(templates)
    ]


@actor_page
def template_review(request) -> HttpResponse:
    actor = request.actor
    if not actor.can_write:
        raise Forbidden(_("Viewers cannot create objectives."))
    source = request.POST if request.method == "POST" else request.GET
    keys = source.getlist("t")
    templates = _picked(actor, keys)
    if request.method != "POST":
        form = _set_form(actor, params=request.GET)
        if not templates:
            error = _("Pick at least one template.")
            return _render_picker(request, form, keys, error, status=422)
        return _render_review(request, form, _blocks(actor, templates), templates)
    form = _set_form(actor, data=request.POST)
    if not templates:
        return _render_picker(request, form, keys, _("Pick at least one template."), status=422)
    blocks = _blocks(actor, templates, request.POST)
    valid = form.is_valid()
    for block in blocks:
        valid = block["form"].is_valid() and valid
        for kr_form in block["krs"]:
            valid = kr_form.is_valid() and valid
    created = _create(actor, form, blocks) if valid else None
    if created is None:
        for f in [form, *(b["form"] for b in blocks), *(k for b in blocks for k in b["krs"])]:
            f.mark_invalid()
        return _render_review(request, form, blocks, templates, status=422)
    messages.success(
        request,
        ngettext(
            "%(n)d objective created from templates.",
            "%(n)d objectives created from templates.",
            len(created),
        )
        % {"n": len(created)},
    )
    url = reverse("okrs") + f"?cycle={form.cleaned_data['cycle_id']}"
    if form.cleaned_data["team_id"]:
        url += f"&team={form.cleaned_data['team_id']}"
    return redirect(url)


class _Rollback(Exception):
    """Undo everything when any objective or key result was refused."""


def _create(actor, form: TemplateSetForm, blocks: list[dict]) -> list | None:
    """Every objective with its kept key results, in one transaction; each refusal is put next
    to its field (all of them, not only the first) and then nothing is kept."""
    team = form.cleaned_data["team_id"]
    created = []
    failed = False
    try:
        with transaction.atomic():
            for block in blocks:
                t = block["template"]
                try:
                    objective = actions.create_objective(
                        actor,
                        title=block["form"].cleaned_data["title"],
                        description=t.get("description", ""),
                        kind=t.get("kind", "committed"),
                        cycle_id=form.cleaned_data["cycle_id"],
                        team_id=int(team) if team else None,
                    )
                except Forbidden as exc:
                    form.add_error("team_id", exc.message)
                    raise _Rollback from exc
                except (Invalid, Conflict) as exc:
                    field = exc.errors[0]["field"] if getattr(exc, "errors", None) else None
                    if field == "title":
                        block["form"].show_error(exc)
                    else:
                        form.add_error("cycle_id" if field != "team_id" else "team_id", exc.message)
                    failed = True
                    continue
                created.append(objective)
                for kr_form in block["krs"]:
                    if not kr_form.cleaned_data["use"]:
                        continue
                    try:
                        actions.create_key_result(actor, objective, **kr_form.action_fields())
                    except Invalid as exc:
                        kr_form.show_error(exc)
                        failed = True
            if failed:
                raise _Rollback
    except _Rollback:
        return None
    return created


def _render_review(request, form, blocks, templates, status=200):
    return render(
        request,
        "okrs/editing/templates_review.html",
        {
            "form": form,
            "blocks": blocks,
            "keys": [t["key"] for t in templates],
            "back_query": _query(
                form.data if form.is_bound else form.initial, [t["key"] for t in templates]
            ),
            "has_errors": status != 200,
        },
        status=status,
    )


@actor_page
def save_as_template(request, objective_id: int) -> HttpResponse:
    """POST: keep the objective and its key results as a workspace template (admins)."""
    objective = queries.get_objective(request.actor, objective_id)
    if request.method != "POST":
        return redirect("objective", objective.pk)
    try:
        template = actions.save_objective_as_template(request.actor, objective)
    except Invalid as exc:
        messages.error(request, exc.message)
        return redirect("objective", objective.pk)
    messages.success(
        request,
        _("Saved “%(title)s” as a template of this workspace.") % {"title": template.title},
    )
    return redirect("objective", objective.pk)


@actor_page
def delete_template(request, template_id: int) -> HttpResponse:
    template = queries.get_template(request.actor, template_id)
    if request.method == "POST":
        actions.delete_template(request.actor, template)
        messages.success(
            request, _("The template “%(title)s” was deleted.") % {"title": template.title}
        )
    return redirect(reverse("objective-templates") + "?" + request.GET.urlencode())


urlpatterns = [
    path("objectives/templates/", template_picker, name="objective-templates"),
    path("objectives/templates/review/", template_review, name="objective-templates-review"),
    path(
        "objectives/templates/<int:template_id>/delete/",
        delete_template,
        name="objective-template-delete",
    ),
    path(
        "objectives/<int:objective_id>/save-as-template/",
        save_as_template,
        name="objective-save-as-template",
    ),
]
