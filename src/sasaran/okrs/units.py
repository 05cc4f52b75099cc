"""A key result's unit as shown beside a value: "1 case study", "3 case studies".

A unit is the user's own word, so no catalogue can plural it; the user may give both forms,
singular first, split by "|" ("case study|case studies"), and a value of exactly 1 (or −1)
takes the first. A unit without "|" is shown as written (in Indonesian nouns do not change)."""

SEPARATOR = "|"


def unit_for(unit: str, number: float | None) -> str:
    if SEPARATOR not in unit:
        return unit
    one, _sep, other = unit.partition(SEPARATOR)
    return (one if number is not None and abs(number) == 1 else other).strip()


def plural_form(unit: str) -> str:
    """The unit as a column heading or a label without a value: its plural form."""
    return unit_for(unit, None)
