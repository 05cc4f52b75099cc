"""The audit history of an objective, told as sentences a reader understands.

Each entry becomes one whole translated sentence (never a sentence glued from a verb and a noun:
word order differs between languages), its changed fields with readable values (names instead of
ids, percents, a key result's values in its own unit), and its note translated when it is one the
actions write.
"""

import re
from types import SimpleNamespace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaran.accounts.models import Team, User
from sasaran.accounts.queries import Actor, system_label
from sasaran.okrs import queries
from sasaran.okrs.models import STATUS_CHOICES, Cycle, KeyResult
from sasaran.web.fragments import format_number, format_value, percent

# (action, object type) -> the sentence. %(who)s is the actor, %(name)s the object's name.
SENTENCES = {
    ("create", "objective"): gettext_lazy("%(who)s created the objective “%(name)s”"),
    ("update", "objective"): gettext_lazy("%(who)s changed the objective “%(name)s”"),
    ("delete", "objective"): gettext_lazy("%(who)s deleted the objective “%(name)s”"),
    ("create", "keyresult"): gettext_lazy("%(who)s added the key result “%(name)s”"),
    ("update", "keyresult"): gettext_lazy("%(who)s changed the key result “%(name)s”"),
    ("delete", "keyresult"): gettext_lazy("%(who)s deleted the key result “%(name)s”"),
    ("check-in", "keyresult"): gettext_lazy("%(who)s checked in on the key result “%(name)s”"),
    ("override", "keyresult"): gettext_lazy(
        "%(who)s overrode the status of the key result “%(name)s”"
    ),
    ("grade", "keyresult"): gettext_lazy("%(who)s graded the key result “%(name)s”"),
    ("status", "keyresult"): gettext_lazy(
        "%(who)s updated the status of the key result “%(name)s”"
    ),
    ("status", "objective"): gettext_lazy("%(who)s updated the status of the objective “%(name)s”"),
    ("tasks", "keyresult"): gettext_lazy(
        "%(who)s updated the task counts of the key result “%(name)s”"
    ),
    ("carry-over", "keyresult"): gettext_lazy("%(who)s carried over the key result “%(name)s”"),
    ("retrospective", "retrospective"): gettext_lazy(
        "%(who)s wrote the retrospective of “%(name)s”"
    ),
    ("create", "comment"): gettext_lazy("%(who)s commented on “%(name)s”"),
    ("update", "comment"): gettext_lazy("%(who)s edited a comment on “%(name)s”"),
    ("delete", "comment"): gettext_lazy("%(who)s deleted a comment on “%(name)s”"),
}
OTHER = gettext_lazy("%(who)s changed “%(name)s”")

FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "status": gettext_lazy("status"),
    "progress": gettext_lazy("progress"),
    "current_value": gettext_lazy("value"),
    "value": gettext_lazy("value"),
    "start_value": gettext_lazy("start value"),
    "target_value": gettext_lazy("target value"),
    "confidence": gettext_lazy("confidence"),
    "status_override": gettext_lazy("status override"),
    "status_override_reason": gettext_lazy("reason"),
    "owner_id": gettext_lazy("owner"),
    "team_id": gettext_lazy("team"),
    "cycle_id": gettext_lazy("cycle"),
    "parent_id": gettext_lazy("aligned to"),
    "visibility": gettext_lazy("visibility"),
    "kind": gettext_lazy("kind"),
    "weight": gettext_lazy("weight"),
    "due_date": gettext_lazy("due date"),
    "score": gettext_lazy("score"),
    "score_reason": gettext_lazy("score reason"),
    "progress_note": gettext_lazy("progress note"),
    "wins": gettext_lazy("wins"),
    "blockers": gettext_lazy("blockers"),
    "milestones_done": gettext_lazy("milestones done"),
    "what_worked": gettext_lazy("what worked"),
    "learnings": gettext_lazy("learnings"),
    "root_causes": gettext_lazy("root causes"),
}
# Bookkeeping columns that say nothing to a reader of the history.
HIDDEN_FIELDS = {"check_in_id", "status_override_at", "updated_at", "created_at", "position"}
# A key result's values, told in its own unit ("107.8%", "USD 43,800", "84 accounts").
VALUE_FIELDS = {"current_value", "start_value", "target_value", "value"}
# What format_value reads of a key result.
UNIT_FIELDS = ("kind", "unit", "currency")
STATUS_LABELS = dict(STATUS_CHOICES)
MAX_CHANGES = 8

# Notes the actions write (in English, in the audit log) and how a reader sees them.
FIXED_NOTES = {
    "cycle dates": gettext_lazy("after the cycle's dates changed"),
    "cycle reopened": gettext_lazy("cycle reopened"),
    "admin change in closed cycle": gettext_lazy("admin change in a closed cycle"),
}
PATTERN_NOTES = (
    (re.compile(r"^carried over from (?P<name>.+)$"), gettext_lazy("carried over from %(name)s")),
    (re.compile(r"^activated with (?P<name>.+)$"), gettext_lazy("started with %(name)s")),
)


def _note(note: str) -> str:
    if note in FIXED_NOTES:
        return str(FIXED_NOTES[note])
    for pattern, text in PATTERN_NOTES:
        match = pattern.match(note)
        if match:
            return text % match.groupdict()
    return note


def _shows_changes(entry) -> bool:
    # A creation or deletion is told by its sentence alone: its snapshot is no change. So is
    # a comment's edit: the audit keeps no comment text, only that it happened.
    return entry.action not in ("create", "delete") and entry.object_type != "comment"


def _names(actor: Actor, entries) -> dict[str, dict[int, str]]:
    """Names for the ids the entries mention: one query per kind of id, whatever the count.
    Objectives are looked up among those the reader may see: a private one stays unnamed."""
    wanted: dict[str, set[int]] = {"owner_id": set(), "team_id": set(), "cycle_id": set()}
    wanted["parent_id"] = set()
    for entry in filter(_shows_changes, entries):
        for side in (entry.before or {}, entry.after or {}):
            for key, ids in wanted.items():
                if isinstance(side.get(key), int):
                    ids.add(side[key])
    ws = actor.workspace_id
    names: dict[str, dict[int, str]] = {}
    if wanted["owner_id"]:
        users = User.objects.filter(pk__in=wanted["owner_id"], memberships__workspace_id=ws)
        names["owner_id"] = {u.pk: u.display_name for u in users}
    if wanted["team_id"]:
        names["team_id"] = dict(
            Team.objects.filter(pk__in=wanted["team_id"], workspace_id=ws).values_list("id", "name")
        )
    if wanted["cycle_id"]:
        names["cycle_id"] = dict(
            Cycle.objects.filter(pk__in=wanted["cycle_id"], workspace_id=ws).values_list(
                "id", "name"
            )
        )
    if wanted["parent_id"]:
        names["parent_id"] = dict(
            queries.visible_objectives(actor)
            .filter(pk__in=wanted["parent_id"])
            .values_list("id", "title")
        )
    return names


def _key_results(actor: Actor, entries) -> dict[int, KeyResult]:
    """The key results whose values the entries change, in one query whatever the count; check-ins
    are recorded on their key result too. A deleted one is missing: its values stay plain."""
    ids = {
        entry.object_id
        for entry in entries
        if entry.object_type == "keyresult"
        and _shows_changes(entry)
        and any(key in VALUE_FIELDS for key in (entry.after or {}))
    }
    if not ids:
        return {}
    krs = KeyResult.objects.filter(pk__in=ids, objective__workspace_id=actor.workspace_id).only(
        "id", *UNIT_FIELDS
    )
    return {kr.pk: kr for kr in krs}


def _unit(kr: KeyResult | None, side: dict) -> Any:
    """What to format one side's values with: the key result's unit as it was then, when the
    entry changed it (a kind or currency switched), else as it is now; None when unknown."""
    if not any(key in side for key in UNIT_FIELDS):
        return kr
    if kr is None and "kind" not in side:
        return None
    return SimpleNamespace(
        **{key: side.get(key, getattr(kr, key, "") if kr else "") for key in UNIT_FIELDS}
    )


def _short(v: Any, key: str, names: dict[str, dict[int, str]], unit: Any = None) -> str:
    if key in VALUE_FIELDS and unit is not None and isinstance(v, int | float):
        return format_value(v, unit)
    if key in names and v is not None:
        return names[key].get(v, _("(not visible to you)"))
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, int | float):
        if key in ("progress", "attainment"):
            return f"{percent(v)}%"
        return format_number(v)
    if key in ("status", "status_override") and v in STATUS_LABELS:
        return str(STATUS_LABELS[v])
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) or "—"
    text = "—" if v in (None, "") else str(v)
    return text if len(text) <= 80 else text[:79] + "…"


def history_items(actor: Actor, entries) -> list[dict[str, Any]]:
    entries = list(entries)
    names = _names(actor, entries)
    krs = _key_results(actor, entries)
    items = []
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = []
        if _shows_changes(entry):
            kr = krs.get(entry.object_id) if entry.object_type == "keyresult" else None
            unit_before, unit_after = _unit(kr, before), _unit(kr, after)
            for key in after:
                if key in HIDDEN_FIELDS:
                    continue
                changes.append(
                    {
                        "field": FIELD_LABELS.get(key, key.replace("_", " ")),
                        "before": _short(before.get(key), key, names, unit_before),
                        "after": _short(after[key], key, names, unit_after),
                    }
                )
        who = (
            entry.actor.display_name
            if entry.actor
            else system_label(entry.on_behalf_of)
            if entry.on_behalf_of
            else _("Someone")
        )
        sentence = SENTENCES.get((entry.action, entry.object_type), OTHER)
        items.append(
            {
                "entry": entry,
                "sentence": sentence % {"who": who, "name": entry.object_repr},
                "note": _note(entry.note) if entry.note else "",
                "changes": changes[:MAX_CHANGES],
            }
        )
    return items
