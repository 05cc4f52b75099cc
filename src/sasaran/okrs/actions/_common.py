"""Checks and helpers shared by the okrs actions: typed field validation, the workspace lookups
an action needs, and publishing what changed on a key result."""

import datetime as dt
import math
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from sasaran.accounts.models import Membership, Team
from sasaran.accounts.queries import Actor, SystemActor
from sasaran.errors import Invalid, NotFound
from sasaran.events import publish
from sasaran.limits import length_message, number_range_message
from sasaran.okrs import events
from sasaran.okrs.models import Cycle, KeyResult, Objective
from sasaran.okrs.permissions import can_see
from sasaran.okrs.progress import MAX_MAGNITUDE

AnyActor = Actor | SystemActor


CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


# ---- shared checks -------------------------------------------------------------------------


def _text(fields: dict, name: str, *, required: bool = False, max_length: int = 300) -> None:
    if name not in fields:
        return
    value = fields[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("Enter text."), field=name)
    value = value.strip() if max_length <= 300 else value
    if required and not value:
        raise Invalid(_("This field cannot be empty."), field=name)
    if len(value) > max_length:
        raise Invalid(length_message(max_length, len(value)), field=name)
    fields[name] = value


def _choice(fields: dict, name: str, allowed) -> None:
    if name in fields and fields[name] not in {str(a) for a in allowed}:
        options = ", ".join(str(a) for a in allowed)
        raise Invalid(_("Choose one of: %(options)s.") % {"options": options}, field=name)


def _is_number(value: Any) -> bool:
    # bool is an int subclass: True is not 1 here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float (10**400)
        return False


def _finite(fields: dict, name: str, *, minimum: float | None = None) -> None:
    if name not in fields:
        return
    value = fields[name]
    if not _is_number(value) or abs(value) > MAX_MAGNITUDE:
        raise Invalid(number_range_message(), field=name)
    if minimum is not None and value < minimum:
        raise Invalid(
            _("Enter a number of at least %(min)s.") % {"min": f"{minimum:g}"}, field=name
        )
    fields[name] = float(value)


def _member_id(actor: AnyActor, fields: dict, name: str) -> None:
    if fields.get(name) is None:
        return
    _id(fields, name)
    if not Membership.objects.filter(
        workspace_id=actor.workspace_id, user_id=fields[name]
    ).exists():
        raise Invalid(_("No member of this workspace has that id."), field=name)


def _team(actor: AnyActor, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    _id({"team_id": team_id}, "team_id")
    team = Team.objects.filter(workspace_id=actor.workspace_id, pk=team_id).first()
    if team is None:
        raise Invalid(_("No team of this workspace has that id."), field="team_id")
    return team


def _cycle(actor: AnyActor, cycle_id: Any) -> Cycle:
    _id({"cycle_id": cycle_id}, "cycle_id")
    cycle = Cycle.objects.filter(workspace_id=actor.workspace_id, pk=cycle_id).first()
    if cycle is None:
        raise Invalid(_("No cycle of this workspace has that id."), field="cycle_id")
    return cycle


def _id(fields: dict, name: str) -> None:
    """Ids are whole numbers (or None where None means "none"); "5" or True are refused."""
    value = fields.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise Invalid(_("Enter a whole-number id."), field=name)


def _date(fields: dict, name: str) -> None:
    value = fields.get(name)
    if value is not None and (isinstance(value, dt.datetime) or not isinstance(value, dt.date)):
        raise Invalid(_("Enter a date (YYYY-MM-DD)."), field=name)


def _bool(fields: dict, name: str) -> None:
    if name in fields and not isinstance(fields[name], bool):
        raise Invalid(_("Enter true or false."), field=name)


def _created_at(fields: dict) -> None:
    value = fields.get("created_at")
    if value is None:
        fields.pop("created_at", None)
        return
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise Invalid(_("Enter a date and time with a time zone."), field="created_at")
    if value > timezone.now() + dt.timedelta(minutes=5):
        raise Invalid(_("A creation time cannot be in the future."), field="created_at")


def _apply(obj, fields: dict) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


def _visible_or_404(actor: AnyActor, objective: Objective) -> None:
    if not can_see(actor, objective):
        raise NotFound(_("No such objective."))


# What an event needs of a key result before a change, to say what the change did.
KR_WATCHED = ("progress", "status", "stale_since")


def kr_state(kr: KeyResult) -> dict[str, Any]:
    return {name: getattr(kr, name) for name in KR_WATCHED}


def publish_kr_changes(actor: AnyActor, kr: KeyResult, before: dict[str, Any], cause: str) -> None:
    """Announce how a write moved a key result's progress and status."""
    if kr.progress != before["progress"]:
        publish(
            events.KeyResultProgressChanged.by(
                actor,
                key_result_id=kr.pk,
                objective_id=kr.objective_id,
                from_progress=before["progress"],
                to_progress=kr.progress,
            )
        )
    if kr.status != before["status"]:
        publish(events.KeyResultStatusChanged.of(actor, kr, before["status"], cause))
