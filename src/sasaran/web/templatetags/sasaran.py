"""Template filters for OKR numbers."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> int | str:
    """0.734 -> 73 (whole percent, for bars and labels); None stays empty."""
    if value is None:
        return 0
    return round(float(value) * 100)


@register.filter
def value(number, kr) -> str:
    """A KR value in its own unit: "52 %", "IDR 1,200,000", "yes"."""
    if number is None:
        return "—"
    if kr.kind == "boolean":
        return "✓" if number else "✗"
    if kr.kind in ("milestones", "tasks"):
        return f"{round(number * 100)}%"
    text = number_format(
        number,
        decimal_pos=0 if float(number).is_integer() else 2,
        use_l10n=True,
        force_grouping=True,
    )
    if kr.kind == "currency":
        return f"{kr.currency} {text}"
    if kr.kind == "percentage":
        return f"{text}%"
    return f"{text} {kr.unit}".strip()
