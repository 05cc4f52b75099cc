"""What a carry-over finds already in its target cycle, and where a carried objective aligns:
read by the carry-over action (which must not duplicate) and by its page (which says so)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from sasaran.okrs.models import Cycle, KeyResult, Objective


def same_title(a: str, b: str) -> bool:
    """Titles a reader would call the same: case and spacing make no difference."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass
class Existing:
    """Source objective id -> its counterpart already in the target cycle (carried from it
    earlier, or made there by hand with the same title and team), and the chosen key results
    whose counterpart is already there (carried from them, or of the same title in that
    objective)."""

    objectives: dict[int, Objective] = field(default_factory=dict)
    key_results: dict[int, KeyResult] = field(default_factory=dict)


def existing_in(target: Cycle, sources: Iterable[Objective], krs: Iterable[KeyResult]) -> Existing:
    """Two queries whatever the number of objectives and key results."""
    sources = list(sources)
    krs = list(krs)
    found = Existing()
    if not sources:
        return found
    # The target cycle's objectives of the same teams (a personal one: of the same owner).
    teams = {s.team_id for s in sources if s.team_id}
    owners = {s.owner_id for s in sources if not s.team_id}
    candidates = list(
        Objective.objects.filter(cycle=target).filter(
            Q(origin_id__in=[s.pk for s in sources])
            | Q(team_id__in=teams)
            | Q(team__isnull=True, owner_id__in=owners)
        )
    )
    by_origin = {o.origin_id: o for o in candidates if o.origin_id}
    for s in sources:
        match = by_origin.get(s.pk) or next(
            (
                o
                for o in candidates
                if o.team_id == s.team_id
                and (s.team_id or o.owner_id == s.owner_id)
                and same_title(o.title, s.title)
            ),
            None,
        )
        if match is not None:
            found.objectives[s.pk] = match
    matched_ids = [o.pk for o in found.objectives.values()]
    there = list(
        KeyResult.objects.filter(objective__cycle=target)
        # Carried from one of these, or sitting in an objective found above.
        .filter(Q(origin_id__in=[kr.pk for kr in krs]) | Q(objective_id__in=matched_ids))
        .select_related("objective")
    )
    for kr in krs:
        counterpart = next((t for t in there if t.origin_id == kr.pk), None)
        target_obj = found.objectives.get(kr.objective_id)
        if counterpart is None and target_obj is not None:
            counterpart = next(
                (
                    t
                    for t in there
                    if t.objective_id == target_obj.pk and same_title(t.title, kr.title)
                ),
                None,
            )
        if counterpart is not None:
            found.key_results[kr.pk] = counterpart
    return found


def spans(outer: Cycle, inner: Cycle) -> bool:
    """An objective of `outer` may stay the parent of one carried into `inner`: `outer` is
    `inner` or the cycle that contains it (a year over its quarters), as alignment requires."""
    return outer.pk in (inner.pk, inner.parent_id)
