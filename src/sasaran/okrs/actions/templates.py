"""Workspace templates: an admin keeps an objective and its key results as a template, or
deletes one. New objectives are made from a template by the ordinary create actions."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sasaran.audit.log import record, snapshot
from sasaran.errors import Invalid
from sasaran.okrs.actions._common import AnyActor, _text, _visible_or_404
from sasaran.okrs.actions.key_results import _check_kr_fields, _check_milestones
from sasaran.okrs.models import ObjectiveKind, ObjectiveTemplate
from sasaran.okrs.permissions import require_admin
from sasaran.okrs.progress import Kind

# What a template keeps of each key result (the rest belongs to one cycle: owner, due date,
# values reached).
KR_FIELDS = (
    "title",
    "description",
    "kind",
    "direction",
    "unit",
    "currency",
    "start_value",
    "target_value",
    "weight",
)


def clean_key_results(items: Any) -> list[dict[str, Any]]:
    """The template's key results checked by the same rules as a key result's own fields
    (Invalid names the key result); milestones keep only title and weight."""
    if not isinstance(items, list):
        raise Invalid(_("key_results must be a list."), field="key_results")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) - {*KR_FIELDS, "milestones"}:
            raise Invalid(
                _("Key result %(n)d takes only the fields of a key result.") % {"n": n},
                field="key_results",
            )
        fields = {k: item[k] for k in KR_FIELDS if k in item}
        try:
            _text(fields, "title", required=True)
            # No due date is kept, so no cycle is needed to check the fields.
            _check_kr_fields(fields, None, None)
            milestones = _check_milestones(item.get("milestones") or [])
        except Invalid as exc:
            raise Invalid(
                _("Key result %(n)d: %(error)s") % {"n": n, "error": exc.message},
                field="key_results",
            ) from None
        if milestones and fields.get("kind") != Kind.MILESTONES:
            raise Invalid(
                _("Key result %(n)d: only a milestones key result has milestones.") % {"n": n},
                field="key_results",
            )
        fields["milestones"] = [{"title": m["title"], "weight": m["weight"]} for m in milestones]
        out.append(fields)
    return out


@transaction.atomic
def save_objective_as_template(actor: AnyActor, objective) -> ObjectiveTemplate:
    """Keep the objective (title, description, kind) and its key results (definitions and
    milestones, not their values reached) as a workspace template. Admins only."""
    require_admin(actor)
    _visible_or_404(actor, objective)
    # One template per title: a second click on "Save as template" must not list it twice.
    if ObjectiveTemplate.objects.filter(
        workspace_id=actor.workspace_id, title__iexact=objective.title
    ).exists():
        raise Invalid(
            _(
                "This workspace already has a template called “%(title)s”: delete it first to "
                "save this objective in its place."
            )
            % {"title": objective.title},
            field="title",
        )
    krs = []
    for kr in objective.key_results.prefetch_related("milestones"):
        row = {name: getattr(kr, name) for name in KR_FIELDS}
        row["milestones"] = [{"title": m.title, "weight": m.weight} for m in kr.milestones.all()]
        krs.append(row)
    kind = objective.kind if objective.kind in ObjectiveKind.values else ObjectiveKind.COMMITTED
    template = ObjectiveTemplate.objects.create(
        workspace_id=actor.workspace_id,
        title=objective.title,
        description=objective.description,
        kind=kind,
        key_results=clean_key_results(krs),
        created_by_id=actor.user_id,
    )
    record(
        actor,
        action="create",
        obj=template,
        after={**snapshot(template), "source_objective_id": objective.pk},
    )
    return template


@transaction.atomic
def delete_template(actor: AnyActor, template: ObjectiveTemplate) -> None:
    require_admin(actor)
    if template.workspace_id != actor.workspace_id:
        raise Invalid(_("No template of this workspace has that id."), field="template")
    record(actor, action="delete", obj=template, before=snapshot(template))
    template.delete()
