"""Forms of the editing and cycle pages. They only parse what was typed (numbers, dates, ids);
every rule lives in okrs.actions, whose Invalid errors are put back next to the field they name.
"""

from typing import Any

from django import forms
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from sasaran.errors import Invalid
from sasaran.limits import grouped, length_hint, number_range_message
from sasaran.okrs.actions import StartIsTarget
from sasaran.okrs.models import (
    DIRECTION_CHOICES,
    KIND_CHOICES,
    ObjectiveKind,
    Visibility,
)
from sasaran.okrs.progress import NUMERIC_KINDS, STAY_DIRECTIONS

# Values are what the close page posts back ("0.7"); labels follow the reader's language ("0,7").
_score_label = lazy(lambda score: formats.number_format(score, decimal_pos=1), str)
SCORE_CHOICES = [(f"{i / 10:.1f}", _score_label(i / 10)) for i in range(10, -1, -1)]

# Which key-result fields apply to which kind (the page hides the rest).
KR_FIELD_KINDS = {
    "direction": {"number", "percentage", "currency"},
    "unit": {"number"},
    "currency": {"currency"},
    "start_value": {"number", "percentage", "currency"},
    "target_value": {"number", "percentage", "currency"},
    "milestones": {"milestones"},
}


def plain_number(value: Any) -> Any:
    """72.0 -> "72", 99.9 -> "99.9" ("99,9" in Indonesian): what a person would type."""
    if not isinstance(value, float):
        return value
    text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))


def _id_or_none(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


class ActionForm(forms.Form):
    """A form that can take an action's Invalid error back onto the field it names. Text fields
    say their length limit beside the field ("max 300 characters"): the browser's maxlength
    stops typing there, so the limit is shown before anything is cut, and text over it (pasted
    past a script, sent without the browser) is refused with the input kept."""

    field_map: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                hint = length_hint(field.max_length)
                field.help_text = f"{field.help_text} ({hint})" if field.help_text else hint
            if isinstance(field, forms.FloatField):
                # Not a number, not finite: said as the range, like every other number error.
                field.error_messages["invalid"] = number_range_message()

    def show_error(self, exc: Invalid) -> None:
        field = exc.errors[0]["field"] if exc.errors else None
        field = self.field_map.get(field, field)
        if field in self.fields:
            self.add_error(field, exc.message)
        else:
            self.add_error(None, exc.message)
        self.mark_invalid()

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class ObjectiveForm(ActionForm):
    title = forms.CharField(label=_("Objective"), required=False, max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cycle_id = forms.TypedChoiceField(label=_("Cycle"), coerce=int, required=False)
    team_id = forms.ChoiceField(label=_("Team"), required=False)
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False)
    parent_id = forms.ChoiceField(label=_("Aligns to"), required=False)
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=ObjectiveKind.choices,
        initial=ObjectiveKind.COMMITTED,
        widget=forms.RadioSelect,
    )
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.WORKSPACE
    )
    rollup_children = forms.BooleanField(
        label=_("Aligned objectives count in its progress"), required=False, initial=True
    )
    weight = forms.FloatField(
        label=_("Weight in the parent's progress"),
        required=False,
        initial=1.0,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, cycles=(), teams=(), members=(), parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "weight" in self.initial:
            self.initial["weight"] = plain_number(self.initial["weight"])
        self.fields["cycle_id"].choices = [
            (c.pk, f"{c.name} ({c.get_state_display()})") for c in cycles
        ]
        self.fields["team_id"].choices = [("", _("Personal (no team)"))] + [
            (t.pk, t.name) for t in teams
        ]
        self.fields["owner_id"].choices = [(u.pk, u.display_name) for u in members]
        self.fields["parent_id"].choices = [("", _("Not aligned"))] + list(parents)
        self.fields["title"].widget.attrs["placeholder"] = _("Qualitative and inspiring, no metric")

    def action_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        fields: dict[str, Any] = {
            "title": d["title"],
            "description": d["description"],
            "cycle_id": d["cycle_id"] if d["cycle_id"] != "" else None,
            "team_id": _id_or_none(d["team_id"]),
            "parent_id": _id_or_none(d["parent_id"]),
            "kind": d["kind"],
            "visibility": d["visibility"],
            "rollup_children": d["rollup_children"],
            "weight": 1.0 if d["weight"] is None else d["weight"],
        }
        if d.get("owner_id") not in (None, ""):
            fields["owner_id"] = d["owner_id"]
        return fields


class KeyResultForm(ActionForm):
    title = forms.CharField(label=_("Key result"), required=False, max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=_("Measured as"), choices=KIND_CHOICES, initial="number")
    direction = forms.ChoiceField(
        label=_("Direction"), choices=DIRECTION_CHOICES, initial="increase"
    )
    start_value = forms.FloatField(
        label=_("Start (baseline)"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    target_value = forms.FloatField(
        label=_("Target"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=30,
        help_text=_("For counts, singular|plural: “case study|case studies”"),
    )
    currency = forms.CharField(
        label=_("Currency (ISO code)"),
        required=False,
        max_length=3,
        widget=forms.TextInput(
            attrs={"placeholder": "IDR", "size": 4, "autocapitalize": "characters"}
        ),
    )
    weight = forms.FloatField(
        label=_("Weight"),
        required=False,
        initial=1.0,
        localize=True,
        help_text=_("0 = tracked, not counted"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        help_text=_("Empty: the cycle's end"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False)

    def __init__(self, *args, members=(), milestones=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_value", "target_value", "weight"):
            if name in self.initial:
                self.initial[name] = plain_number(self.initial[name])
        self.fields["owner_id"].choices = [(u.pk, u.display_name) for u in members]
        self.milestone_error = ""
        self.start_is_target = ""
        self.milestone_rows = self._milestone_rows(milestones)

    def _milestone_rows(self, initial) -> list[dict[str, Any]]:
        """The checklist's rows: title, weight and the id of the milestone a row edits (empty
        for a new one). The id goes back and forth in a hidden input, so that saving edits
        each milestone in place: its check-in history and done state stay with it."""
        if self.is_bound:
            titles = self.data.getlist(self.add_prefix("ms_title"))
            weights = self.data.getlist(self.add_prefix("ms_weight"))
            ids = self.data.getlist(self.add_prefix("ms_id"))
            weights += [""] * (len(titles) - len(weights))
            ids += [""] * (len(titles) - len(ids))
            rows = [
                {"id": i, "title": t, "weight": w}
                for t, w, i in zip(titles, weights, ids, strict=False)
            ]
            rows = [r for r in rows if r["title"].strip()]
        else:
            rows = [
                {
                    "id": m.get("id") or "",
                    "title": m["title"],
                    "weight": plain_number(float(m["weight"])),
                }
                for m in (initial or [])
            ]
        # One empty row: without JavaScript, a milestone is added by filling it in.
        rows.append({"id": "", "title": "", "weight": "1"})
        return rows

    @property
    def ms_id_name(self) -> str:
        return self.add_prefix("ms_id")

    @property
    def ms_title_name(self) -> str:
        return self.add_prefix("ms_title")

    @property
    def ms_weight_name(self) -> str:
        return self.add_prefix("ms_weight")

    def milestones(self) -> list[dict[str, Any]]:
        out = []
        for row in self.milestone_rows:
            title = row["title"].strip()
            if not title:
                continue
            weight_text = (row["weight"] or "1").strip().replace(",", ".")
            try:
                weight: Any = float(weight_text)
            except ValueError:
                weight = weight_text
            raw_id = str(row["id"]).strip()
            # Not a number: passed on as typed, for the action to refuse by name.
            milestone_id: Any = int(raw_id) if raw_id.isdigit() else (raw_id or None)
            out.append({"id": milestone_id, "title": title, "weight": weight})
        return out

    def is_blank(self) -> bool:
        """An untouched extra key-result block on the new-objective page."""
        return not (self.data.get(self.add_prefix("title")) or "").strip()

    @property
    def make_stay_name(self) -> str:
        return self.add_prefix("make_stay")

    def show_error(self, exc: Invalid) -> None:
        field = exc.errors[0]["field"] if exc.errors else None
        if field == "milestones":
            self.milestone_error = exc.message
            return
        if isinstance(exc, StartIsTarget):
            # Asked, not only refused: which kind of key result was meant?
            self.start_is_target = grouped(exc.value)
        super().show_error(exc)

    def action_fields(self, *, creating: bool) -> dict[str, Any]:
        d = self.cleaned_data
        kind = d["kind"]
        fields: dict[str, Any] = {
            "title": d["title"],
            "description": d["description"],
            "kind": kind,
            "weight": 1.0 if d["weight"] is None else d["weight"],
            "due_date": d["due_date"],
        }
        if d.get("owner_id") not in (None, ""):
            fields["owner_id"] = d["owner_id"]
        if kind in NUMERIC_KINDS:
            fields["direction"] = d["direction"]
            # The answer to "start equals target: keep at least or at most?" (StartIsTarget).
            stay = self.data.get(self.make_stay_name)
            if stay in STAY_DIRECTIONS:
                fields["direction"] = stay
            fields["target_value"] = d["target_value"]
            if d["start_value"] is not None or not creating:
                fields["start_value"] = d["start_value"]
            if kind == "number":
                fields["unit"] = d["unit"]
            if kind == "currency":
                fields["currency"] = d["currency"].strip().upper()
        if kind == "milestones":
            fields["milestones"] = self.milestones()
        return fields


class CycleForm(ActionForm):
    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    start_date = forms.DateField(
        label=_("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    parent_id = forms.ChoiceField(label=_("Inside the cycle"), required=False)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["placeholder"] = "2026-Q3"
        self.fields["parent_id"].choices = [("", _("None"))] + [(c.pk, c.name) for c in parents]

    def action_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "start_date": d["start_date"],
            "end_date": d["end_date"],
            "parent_id": _id_or_none(d["parent_id"]),
        }


# ---- building a team's set from templates ------------------------------------------------------


class TemplateSetForm(ActionForm):
    """Where the objectives made from templates go: one team (or personal) and one cycle."""

    cycle_id = forms.TypedChoiceField(label=_("Cycle"), coerce=int)
    team_id = forms.ChoiceField(
        label=_("Team"),
        required=False,
        error_messages={
            "invalid_choice": _("You may only create objectives for your own teams or yourself.")
        },
    )

    def __init__(self, *args, cycles=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle_id"].choices = [
            (c.pk, f"{c.name} ({c.get_state_display()})") for c in cycles
        ]
        self.fields["team_id"].choices = [("", _("Personal (no team)"))] + [
            (t.pk, t.name) for t in teams
        ]


class TemplateObjectiveForm(ActionForm):
    title = forms.CharField(label=_("Objective"), max_length=300)


class TemplateKeyResultForm(ActionForm):
    """One key result of a template: keep it or not, today's value, the target, the owner.
    The definition (kind, direction, unit, milestones) comes from the template itself."""

    use = forms.BooleanField(label=_("Keep this key result"), required=False, initial=True)
    start_value = forms.FloatField(
        label=_("Today's value (baseline)"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    target_value = forms.FloatField(
        label=_("Target"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    owner_id = forms.TypedChoiceField(label=_("Owner"), coerce=int)

    def __init__(self, *args, template_kr: dict[str, Any], members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kr = template_kr
        self.numeric = template_kr["kind"] in NUMERIC_KINDS
        label = dict(KIND_CHOICES).get(template_kr["kind"], template_kr["kind"])
        if self.numeric:
            direction = dict(DIRECTION_CHOICES).get(template_kr["direction"], "")
            label = f"{label} · {direction}"
        self.kind_label = label
        self.fields["owner_id"].choices = [(u.pk, u.display_name) for u in members]
        if "target_value" in self.initial:
            self.initial["target_value"] = plain_number(self.initial["target_value"])
        # The template's start is an example, not today's value: a hint, never a value.
        sample = plain_number(float(template_kr["start_value"]))
        self.fields["start_value"].widget.attrs["placeholder"] = _("e.g. %(value)s") % {
            "value": sample
        }

    def clean(self):
        data = super().clean()
        if data.get("use") and self.numeric:
            if data.get("start_value") is None and "start_value" not in self.errors:
                self.add_error(
                    "start_value", _("Enter today's value: where this key result starts.")
                )
            if data.get("target_value") is None and "target_value" not in self.errors:
                self.add_error("target_value", _("A numeric key result needs a target value."))
        return data

    def action_fields(self) -> dict[str, Any]:
        d, kr = self.cleaned_data, self.kr
        fields: dict[str, Any] = {
            "title": kr["title"],
            "description": kr.get("description", ""),
            "kind": kr["kind"],
            "weight": float(kr.get("weight", 1.0)),
            "owner_id": d["owner_id"],
        }
        if self.numeric:
            fields.update(
                direction=kr["direction"],
                start_value=d["start_value"],
                target_value=d["target_value"],
                unit=kr.get("unit", ""),
            )
            if kr["kind"] == "currency":
                fields["currency"] = kr.get("currency", "")
        if kr["kind"] == "milestones":
            fields["milestones"] = [
                {"title": m["title"], "weight": m["weight"]} for m in kr.get("milestones", [])
            ]
        return fields
