"""Template filters for OKR numbers."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


@register.filter
def percent(value) -> int | str:
    """0.734 -> 73 (whole percent, for bars and labels); None stays empty."""
    if value is None:
        return ""  # unknown progress is not 0% (PRODUCT §2): the bar says so
    return round(float(value) * 100)


@register.filter
def value(number, kr) -> str:
    """A KR value in its own unit: "52 %", "IDR 1,200,000", "yes"."""
    if number is None:
        return "—"
    if kr.kind == "boolean":
        return gettext("done") if number else gettext("not yet")
    if kr.kind in ("milestones", "tasks"):
        return f"{round(number * 100)}%"
    # As few decimals as say the value exactly (up to two): 112, 107.6, 2.75.
    places = next(p for p in (0, 1, 2) if p == 2 or round(number, p) == round(number, 2))
    # number_format cuts extra decimals off rather than rounding them.
    text = number_format(
        round(number, places), decimal_pos=places, use_l10n=True, force_grouping=True
    )
    if kr.kind == "currency":
        return f"{kr.currency} {text}"
    if kr.kind == "percentage":
        return f"{text}%"
    return f"{text} {kr.unit}".strip()
