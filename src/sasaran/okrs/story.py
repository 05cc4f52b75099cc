"""One sentence per key result that tells its status (pace), confidence and forecast together,
and says so when they disagree: "On track by pace, confidence 4/5, but at this trend it ends at
81% of target." Each clause is a whole translated phrase; the joints are translated too."""

from django.utils.translation import gettext as _

from sasaran.limits import grouped
from sasaran.okrs.status import Status, worse
from sasaran.params import UNSET

GOOD = {Status.ON_TRACK, Status.DONE}
# The worst status a confidence allows (okrs.status: 3 caps at at_risk, 1–2 at off_track).
CAPS = {3: Status.AT_RISK, 2: Status.OFF_TRACK, 1: Status.OFF_TRACK}


def _status_clause(status: str | None, pace: str | None, confidence: int | None, overridden: bool):
    if status is None:
        return _("No status yet")
    if overridden:
        return {
            Status.ON_TRACK: _("On track (set by hand)"),
            Status.AT_RISK: _("At risk (set by hand)"),
            Status.OFF_TRACK: _("Off track (set by hand)"),
            Status.DONE: _("Done (set by hand)"),
        }[Status(status)]
    if _capped(status, pace, confidence):
        # The confidence cap made it worse than the pace says: tell both.
        values = {"pace": _pace(pace), "n": confidence}
        if status == Status.AT_RISK:
            return _("%(pace)s, but confidence %(n)s/5 makes it at risk") % values
        return _("%(pace)s, but confidence %(n)s/5 makes it off track") % values
    clause = _pace(status)
    if confidence is not None:
        clause = _("%(status)s, confidence %(n)s/5") % {"status": clause, "n": confidence}
    return clause


def _capped(status: str | None, pace: str | None, confidence: int | None) -> bool:
    """Did the confidence make the status worse than the pace alone?"""
    cap = CAPS.get(confidence) if confidence is not None else None
    return cap is not None and status == cap and pace is not None and worse(pace, cap) != pace


def _pace(status: str) -> str:
    return {
        Status.ON_TRACK: _("On track by pace"),
        Status.AT_RISK: _("At risk by pace"),
        Status.OFF_TRACK: _("Off track by pace"),
        Status.DONE: _("Done"),
    }[Status(status)]


def kr_story(
    *,
    status: str | None,
    pace: str | None,
    confidence: int | None,
    overridden: bool,
    projected_progress: float | None,
    closed_at_progress: float | None | object = UNSET,
) -> str:
    """The sentence. `status` is the KR's stored status (override included), `pace` its
    automatic status without the confidence cap, `projected_progress` the forecast's (None: no
    forecast yet; a ratio in [0, 1]); `closed_at_progress`, given for a closed cycle, the
    progress it ended at."""
    if closed_at_progress is not UNSET:
        # A closed cycle has no pace or trend left: say where the key result ended.
        if closed_at_progress is None:
            return _("The cycle is closed; its progress was unknown at the end.")
        return _("The cycle is closed: it ended at %(p)s%% of target.") % {
            "p": grouped(round(closed_at_progress * 100))
        }
    if status == Status.NOT_STARTED:
        # No pace and no trend before the cycle starts (rules §5): nothing to weigh yet.
        return _("Not started: its cycle has not begun, so there is no pace or trend yet.")
    first = _status_clause(status, pace, confidence, overridden)
    if projected_progress is None:
        return _("%(status)s; not enough check-ins for a trend yet.") % {"status": first}
    reaches = projected_progress >= 1
    if reaches:
        trend = _("at this trend it reaches the target")
    else:
        trend = _("at this trend it ends at %(p)s%% of target") % {
            "p": grouped(round(projected_progress * 100))
        }
    values = {"status": first, "trend": trend}
    # The trend is weighed against what the first clause ends on: the pace when the confidence
    # clause already said its "but" ("Done, but confidence 2/5 makes it off track; at this trend
    # it reaches the target").
    judged = pace if _capped(status, pace, confidence) and not overridden else status
    if judged is not None and (judged in GOOD) != reaches:
        return _("%(status)s, but %(trend)s.") % values
    return _("%(status)s; %(trend)s.") % values
