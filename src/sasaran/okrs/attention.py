"""Which key results need attention and in what order: the gap between expected and actual
progress, the reasons a key result is listed, and the sort key of the needs-attention view.

Pure: no Django, no database (the reads are in okrs.needs_attention)."""

from __future__ import annotations

from enum import StrEnum

# Confidence 1 ("very low") and 2 ("low") need attention; 3 is "medium" and already caps the
# status at at_risk (okrs.status), which is listed anyway. The workspace has no setting for it.
LOW_CONFIDENCE = 2
# Worst possible confidence rank for a key result nobody has rated yet: after every rated one.
_UNRATED = 6


class Reason(StrEnum):
    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    LOW_CONFIDENCE = "low_confidence"
    STALE = "stale"


def points(fraction: float | None) -> int | None:
    """A ratio as whole percentage points, rounded as the screen rounds it (0.355 -> 36)."""
    return None if fraction is None else round(float(fraction) * 100)


def gap_points(progress: float | None, expected: float | None) -> int | None:
    """How many percentage points a key result is behind the pace (negative: ahead). Computed
    from the rounded numbers the row shows, so "35% of 50% expected" reads as a gap of 15.
    Unknown progress (nothing to count) has an unknown gap, never 0 or 100."""
    p, e = points(progress), points(expected)
    if p is None or e is None:
        return None
    return e - p


def reasons(
    status: str | None, confidence: int | None, stale: bool, low_confidence: int = LOW_CONFIDENCE
) -> list[Reason]:
    """Why a key result needs attention (empty: it does not). A done key result never does:
    its owner (or an override) says the target is met."""
    if status == "done":
        return []
    found = []
    if status == Reason.OFF_TRACK:
        found.append(Reason.OFF_TRACK)
    elif status == Reason.AT_RISK:
        found.append(Reason.AT_RISK)
    if confidence is not None and confidence <= low_confidence:
        found.append(Reason.LOW_CONFIDENCE)
    if stale:
        found.append(Reason.STALE)
    return found


def order_key(gap: int | None, confidence: int | None, stale: bool, pk: int) -> tuple:
    """Sort key of the needs-attention list: the largest gap first; among equal gaps the lowest
    confidence, then stale ones, then the oldest key result (its id) so the order is stable.
    Being ahead of pace or of unknown progress counts as no gap: those key results are listed
    for their confidence or staleness, which then decide their order."""
    behind = max(gap, 0) if gap is not None else 0
    return (-behind, confidence if confidence is not None else _UNRATED, not stale, pk)
