"""The limits of what may be typed, said the same way by every writer (API, pages, CLI): one
message for a number out of range (too large, not finite, not a number at all) and one for text
that is too long, with numbers in the reader's language."""

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

# The bound of okrs.progress.MAX_MAGNITUDE, written here because a shared module imports no
# app (tests/test_architecture.py checks that both say the same).
MAX_MAGNITUDE = 1e15

MINUS = "\u2212"  # a real minus sign: "−1,000" reads better than "-1,000"


def grouped(number: float) -> str:
    """A number with grouping in the reader's language and as many decimals as it has (up to
    six): 1e15 -> "1,000,000,000,000,000" ("1.000.000.000.000.000" in Indonesian), -2.5 ->
    "−2.5"."""
    decimals = next(p for p in range(7) if p == 6 or round(number, p) == number)
    text = number_format(
        round(abs(number), decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
    return f"{MINUS}{text}" if number < 0 else text


def number_range_message(low: float = -MAX_MAGNITUDE, high: float = MAX_MAGNITUDE) -> str:
    """What to type instead of a value that is not a number, not finite, or too large."""
    return gettext("Enter a number between %(low)s and %(high)s.") % {
        "low": grouped(low),
        "high": grouped(high),
    }


def length_message(limit: int, length: int) -> str:
    """Text over its limit: refused (never cut), saying the limit and how long it was."""
    return ngettext(
        "At most %(limit)s character: this has %(length)s.",
        "At most %(limit)s characters: this has %(length)s.",
        limit,
    ) % {"limit": grouped(limit), "length": grouped(length)}


def length_hint(limit: int) -> str:
    """The limit said next to a field before anything is typed."""
    return ngettext("max %(limit)s character", "max %(limit)s characters", limit) % {
        "limit": grouped(limit)
    }
