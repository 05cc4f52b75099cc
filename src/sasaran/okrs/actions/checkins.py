"""Check-ins: the weekly update of one key result (value, confidence, notes), back-dated within
its cycle at most; progress, status, forecast and the objectives above follow in the same
transaction."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sasaran.audit.log import changed, record, snapshot
from sasaran.errors import Conflict, Invalid, NotFound
from sasaran.events import publish
from sasaran.limits import grouped, number_range_message
from sasaran.okrs import events, plausibility, rollup
from sasaran.okrs.actions._common import AnyActor, _is_number, kr_state, publish_kr_changes
from sasaran.okrs.models import CheckIn, KeyResult, Milestone
from sasaran.okrs.permissions import can_see, guard_open, require_checkin
from sasaran.okrs.progress import MAX_MAGNITUDE, Kind


class FarFromRange(Invalid):
    """A value far outside the key result's usual range: saved only when confirmed. Pages ask
    "did you mean …?" from its fields; the API answers its message (422)."""

    def __init__(self, kr: KeyResult, value: float) -> None:
        self.value = value
        self.low, self.high = plausibility.usual_range(
            kr.start_value, kr.target_value, kr.direction
        )
        message = _(
            "%(value)s is far outside this key result's range: from start %(start)s to target "
            "%(target)s, values between %(low)s and %(high)s are saved without asking. Check "
            "the value, or confirm it (confirm_out_of_range: true) to save it as it is."
        ) % {
            "value": grouped(value),
            "start": grouped(kr.start_value),
            "target": grouped(kr.target_value),
            "low": grouped(self.low),
            "high": grouped(self.high),
        }
        super().__init__(message, field="value")


@transaction.atomic
def create_checkin(
    actor: AnyActor,
    kr_id: int,
    *,
    value: float | bool | None = None,
    confidence: int,
    progress_note: str = "",
    wins: str = "",
    blockers: str = "",
    checked_in_at: dt.datetime | None = None,
    milestones_done: list[int] | None = None,
    confirm_out_of_range: bool = False,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Record a check-in. A numeric value far outside the KR's range (okrs.plausibility) is
    refused with FarFromRange unless `confirm_out_of_range` says it is meant."""
    now = now or timezone.now()
    # Lock the KR first: check-ins on one KR queue here; objectives are locked bottom-up after.
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__cycle", "objective__workspace")
        .filter(pk=kr_id, objective__workspace_id=actor.workspace_id)
        .first()
    )
    if kr is None or not can_see(actor, kr.objective):
        raise NotFound(_("No such key result."))
    require_checkin(actor, kr)
    cycle, workspace = kr.objective.cycle, kr.objective.workspace
    note = guard_open(actor, cycle)
    if isinstance(confidence, bool) or not isinstance(confidence, int) or not 1 <= confidence <= 5:
        raise Invalid(_("Confidence is a whole number from 1 to 5."), field="confidence")
    at = checked_in_at or now
    if not isinstance(at, dt.datetime):
        raise Invalid(_("Enter a date and time with a time zone."), field="checked_in_at")
    if timezone.is_naive(at):
        raise Invalid(_("checked_in_at needs a time zone."), field="checked_in_at")
    if at > now + dt.timedelta(minutes=5):
        raise Invalid(_("A check-in cannot be dated in the future."), field="checked_in_at")
    outside = at < rollup.cycle_start(cycle, workspace) or at >= rollup.end_of_day(
        cycle.end_date, workspace
    )
    if note and outside:
        # An admin's check-in in a closed cycle corrects its history, so it is dated inside
        # the cycle; said as the closed cycle's conflict, which is what the caller ran into.
        raise Conflict(
            _("The cycle %(name)s is closed: a correction by an admin must be dated within it.")
            % {"name": cycle.name}
        )
    if outside and now < rollup.cycle_start(cycle, workspace):
        # Nothing can be reported before the cycle starts: say when it does.
        raise Invalid(
            _("The cycle %(name)s starts on %(date)s: check in from then on.")
            % {"name": cycle.name, "date": date_format(cycle.start_date, "DATE_FORMAT")},
            field="checked_in_at",
        )
    if outside:
        raise Invalid(
            _("A check-in may be back-dated only within its cycle."), field="checked_in_at"
        )

    done_ids: list[int] = []
    if kr.kind == Kind.MILESTONES:
        if milestones_done is None:
            raise Invalid(
                _("A milestones key result is checked in with the milestones done."),
                field="milestones_done",
            )
        if not isinstance(milestones_done, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in milestones_done
        ):
            raise Invalid(_("Enter a list of milestone ids."), field="milestones_done")
        milestones = list(kr.milestones.all())
        known = {m.pk for m in milestones}
        done_ids = sorted(set(milestones_done))
        if not set(done_ids) <= known:
            raise Invalid(
                _("Some milestones do not belong to this key result."), field="milestones_done"
            )
        as_of = [Milestone(pk=m.pk, weight=m.weight, done=m.pk in done_ids) for m in milestones]
        # The done share then; 0 when the checklist has nothing to count (progress unknown).
        value = rollup.kr_progress_of(kr, as_of)(0.0) or 0.0
        # Only the newest check-in sets today's milestones: a back-dated one fills history.
        if kr.last_checkin_at is None or at >= kr.last_checkin_at:
            for m in milestones:
                m.done = m.pk in done_ids
            Milestone.objects.bulk_update(milestones, ["done"])
    elif kr.kind == Kind.TASKS:
        # Progress comes from the linked work; the check-in records it with confidence and notes
        # (0 when there is no work to count: progress unknown).
        value = kr.progress or 0.0
    elif kr.kind == Kind.BOOLEAN:
        if not isinstance(value, bool) and value not in (0, 1):
            raise Invalid(_("A yes/no key result takes true or false."), field="value")
        value = 1.0 if value else 0.0
    else:
        if value is None or not _is_number(value) or abs(value) > MAX_MAGNITUDE:
            raise Invalid(number_range_message(), field="value")
        if not isinstance(confirm_out_of_range, bool):
            raise Invalid(_("Enter true or false."), field="confirm_out_of_range")
        if not confirm_out_of_range and plausibility.is_far(
            value, kr.start_value, kr.target_value, kr.direction
        ):
            raise FarFromRange(kr, float(value))
    for name, text in (("progress_note", progress_note), ("wins", wins), ("blockers", blockers)):
        if text is not None and not isinstance(text, str):
            raise Invalid(_("Enter text."), field=name)
        if len(text or "") > 10000:
            raise Invalid(_("A note is at most 10,000 characters."), field=name)

    checkin = CheckIn.objects.create(
        key_result=kr,
        author_id=actor.user_id,
        on_behalf_of=actor.on_behalf_of[:200],
        value=float(value),
        milestones_done=done_ids,
        confidence=confidence,
        progress_note=(progress_note or "").strip(),
        wins=(wins or "").strip(),
        blockers=(blockers or "").strip(),
        checked_in_at=at,
        created_at=now,
    )
    before = snapshot(kr, ["current_value", "confidence", "status", "progress"])
    state = kr_state(kr)
    if kr.status_override:
        kr.status_override, kr.status_override_reason, kr.status_override_at = "", "", None
        kr.save(update_fields=["status_override", "status_override_reason", "status_override_at"])
    rollup.refresh_key_result(kr, now=now)
    rollup.refresh_objective_chain(kr.objective, now=now)
    b, a = changed(before, snapshot(kr, ["current_value", "confidence", "status", "progress"]))
    record(
        actor,
        action="check-in",
        obj=kr,
        objective_id=kr.objective_id,
        before=b,
        after={**a, "check_in_id": checkin.pk},
        note=note,
    )
    publish(
        events.CheckInRecorded.by(
            actor,
            check_in_id=checkin.pk,
            key_result_id=kr.pk,
            objective_id=kr.objective_id,
            value=checkin.value,
            confidence=checkin.confidence,
            checked_in_at=checkin.checked_in_at,
        )
    )
    publish_kr_changes(actor, kr, state, "check-in")
    return checkin
