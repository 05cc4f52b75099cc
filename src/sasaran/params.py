"""Explicit action parameters: every action lists the fields it accepts in its signature, with
UNSET as the default of the optional ones, so any other keyword is refused (TypeError) and
"not given" stays apart from None ("clear it")."""

from typing import Any


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


def given(values: dict[str, Any], *skip: str) -> dict[str, Any]:
    """The parameters a caller gave, from the action's `locals()` taken as its first statement
    (before any other local exists), leaving out `skip` (actor, the object changed)."""
    return {k: v for k, v in values.items() if k not in skip and v is not UNSET}
