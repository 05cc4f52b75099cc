"""Template filters for OKR numbers, and the tags that draw rows, bars and badges (fragments.py)."""

from django import template
from django.utils.safestring import SafeString

from sasaran import limits
from sasaran.okrs.units import plural_form
from sasaran.web import fragments

register = template.Library()


@register.filter
def percent(value) -> int | str:
    """0.734 -> 73 (whole percent, for bars and labels); None stays empty."""
    if value is None:
        return ""  # unknown progress is not 0% (PRODUCT §2): the bar says so
    return round(float(value) * 100)


@register.filter
def percent_text(value) -> str:
    """A ratio as whole percent for text that must fit its column: 12.5 -> "> 999"."""
    return fragments.percent_text(value)


@register.simple_tag
def length_hint(limit) -> str:
    """ "max 300 characters", said next to a field before anything is cut."""
    return limits.length_hint(int(limit))


@register.filter
def at_most(number, limit) -> int:
    """The smaller of the two, for class names that exist up to a limit (`depth-3`)."""
    try:
        return min(int(number), int(limit))
    except (TypeError, ValueError):
        return 0


@register.filter
def value(number, kr) -> str:
    """A KR value in its own unit: "52 %", "IDR 1,200,000", "yes"."""
    return fragments.format_value(number, kr)


@register.filter
def unit_label(unit: str) -> str:
    """A unit without a value (a label, a heading): its plural form, never "point|points"."""
    return plural_form(unit or "")


@register.filter
def startswith(text, prefix) -> bool:
    """For the navigation: is this page inside a section (`request.path|startswith:url`)?"""
    return bool(prefix) and str(text).startswith(str(prefix))


@register.simple_tag
def status_badge(status) -> SafeString:
    return fragments.status_badge(status)


@register.simple_tag
def progress_bar(progress, expected=None, status=None) -> SafeString:
    """Progress and expected progress as fractions (None: unknown / no marker); no bar when
    `status` is "not_started"."""
    return fragments.progress_bar(progress, expected, status)


@register.simple_tag
def kr_head() -> SafeString:
    return fragments.kr_head()


@register.simple_tag
def kr_row(kr, show_objective=False) -> SafeString:
    return fragments.kr_row(kr, show_objective)


@register.simple_tag
def options(choices, selected) -> SafeString:
    return fragments.options(choices, selected)


@register.simple_tag
def objective_card(objective, expected, krs_filtered=False) -> SafeString:
    return fragments.objective_card(objective, expected, krs_filtered)
