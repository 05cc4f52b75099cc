"""The small pieces of HTML drawn on every row: a status badge, a progress bar with its
expected-progress marker, the explorer's key-result rows and objective cards, select options.

They are built in Python rather than by template includes: the explorer draws about a hundred
rows, and an include (or a dozen tags) per piece per row cost more than all the rest of the page
(bench/README.md). Templates reach them through the tags of the `sasaran` library
(`status_badge`, `progress_bar`, `kr_head`, `kr_row`, `objective_card`, `options`), so every page
draws them the same way. Every text that comes from users is escaped here; the labels are
translated once per language.
"""

import datetime as dt
from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext

STATUS_ICONS = {"on_track": "●", "at_risk": "▲", "off_track": "■", "done": "✓"}

_labels_by_language: dict[str, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    language = get_language() or ""
    labels = _labels_by_language.get(language)
    if labels is None:
        labels = {
            "on_track": gettext("On track"),
            "at_risk": gettext("At risk"),
            "off_track": gettext("Off track"),
            "done": gettext("Done"),
            "no_status": gettext("No status"),
            "no_counted": gettext("nothing to count yet"),
            # Written as blocktranslate would write them ("{{ p }}% done"), one msgid for both.
            "pct_done": gettext("%(p)s%% done"),
            "expected": gettext("%(e)s%% expected by now"),
            "of_target": gettext("%(a)s%% of target"),
            "stale": gettext("Stale"),
            "overridden": gettext("overridden"),
            "owner": gettext("Owner"),
            "last": gettext("Last check-in"),
            "never": gettext("never"),
            "check_in": gettext("Check in"),
            "kr": gettext("Key result"),
            "progress": gettext("Progress"),
            "status": gettext("Status"),
            "confidence": gettext("Confidence"),
            "actions": gettext("Actions"),
            "aspirational": gettext("Aspirational"),
            "private": gettext("Private"),
            "team": gettext("Team only"),
            "krs_of": gettext("Key results of %(t)s"),
            "no_krs_yet": gettext("No key results yet."),
        }
        # Escaped once here: they go into text and attributes as they are.
        labels = {key: escape(text) for key, text in labels.items()}
        _labels_by_language[language] = labels
    return labels


def format_value(number, kr) -> str:
    """A KR value in its own unit: "52 %", "IDR 1,200,000", "yes"."""
    if number is None:
        return "—"
    if kr.kind == "boolean":
        return gettext("done") if number else gettext("not yet")
    if kr.kind in ("milestones", "tasks"):
        return f"{percent(number)}%"
    text = format_number(number)
    if kr.kind == "currency":
        return f"{kr.currency} {text}"
    if kr.kind == "percentage":
        return f"{text}%"
    return f"{text} {kr.unit}".strip()


# Localised formatting is slow (tens of microseconds a call) and a page repeats the same few
# numbers and dates: remember them per language. Both caches are bounded.
def places(number: float) -> int:
    """As few decimals as say the value exactly, up to two: 112 -> 0, 107.6 -> 1, 2.75 -> 2."""
    return next(p for p in (0, 1, 2) if p == 2 or round(number, p) == number)


def format_number(number: float) -> str:
    """A number localised with grouping and at most two decimals: "43,800", "107.8"."""
    return _number(round(number, 2), get_language() or "")


@lru_cache(maxsize=4096)
def _number(number: float, language: str) -> str:
    decimals = places(number)
    # number_format cuts extra decimals off rather than rounding them.
    return number_format(
        round(number, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


@lru_cache(maxsize=1024)
def _short_date(day: dt.date, language: str) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def percent(fraction: float | None) -> int | None:
    return None if fraction is None else round(float(fraction) * 100)


def status_badge(status: str | None) -> str:
    labels = _labels()
    if not status:
        return f'<span class="status">{labels["no_status"]}</span>'
    icon = STATUS_ICONS.get(status, "")
    label = labels.get(status, status)
    return (
        f'<span class="status status-{escape(status)}"><span aria-hidden="true">{icon}</span> '
        f"{label}</span>"
    )


def _bounded(pct: int) -> int:
    return min(max(pct, 0), 100)


def progress_bar(progress: float | None, expected: float | None) -> str:
    """The bar of `progress` (a fraction, or None: unknown is not 0%) with a marker at
    `expected` (None: no marker). Screen readers get both numbers as the bar's label."""
    labels = _labels()
    pct = percent(progress)
    if pct is None:
        return f'<span class="pct muted">{labels["no_counted"]}</span>'
    aria = labels["pct_done"] % {"p": pct}
    marker = ""
    expected_pct = percent(expected)
    if expected_pct is not None:
        aria += ", " + labels["expected"] % {"e": expected_pct}
        marker = f'<span class="expected at-{_bounded(expected_pct)}"></span>'
    # Widths and positions are classes (app.css), not style attributes: the
    # Content-Security-Policy allows no inline style.
    return (
        f'<span class="bar" role="img" aria-label="{aria}">'
        f'<span class="fill w-{_bounded(pct)}"></span>{marker}</span>'
        f'<span class="pct">{pct}%</span>'
    )


def kr_head() -> str:
    """The header row of a table of `kr_row`s (the tree draws one per objective)."""
    labels = _labels()
    cells = "".join(
        f'<th scope="col">{labels[key]}</th>'
        for key in ("kr", "progress", "status", "confidence", "owner", "last")
    )
    return (
        f'<thead><tr>{cells}<th scope="col"><span class="sr-only">{labels["actions"]}</span>'
        "</th></tr></thead>"
    )


def kr_row(k, show_objective: bool = False) -> str:
    """A key result as a row of the explorer's tables: title with value and flags, progress,
    status, confidence, owner, last check-in and the check-in link when the reader may."""
    labels = _labels()
    sub = []
    if show_objective:
        objective = k.objective
        team = f" · {escape(objective.team.name)}" if objective.team_id else ""
        sub.append(
            f'<a href="/objectives/{k.objective_id}/">{escape(objective.title)}</a>{team}<br>'
        )
    if k.progress is None:
        sub.append("—")  # nothing to count yet: no value either
    elif k.kind == "boolean":
        sub.append(escape(format_value(k.current_value, k)))
    else:
        current, target = format_value(k.current_value, k), format_value(k.target_value, k)
        sub.append(f"{escape(current)} / {escape(target)}")
    if k.attainment is not None and k.attainment > 1:
        sub.append(" · " + labels["of_target"] % {"a": percent(k.attainment)})
    if k.is_stale:
        sub.append(
            f' · <span class="stale"><span aria-hidden="true">◌</span> {labels["stale"]}</span>'
        )
    override = f'<div class="sub">{labels["overridden"]}</div>' if k.status_override else ""
    if k.confidence:
        confidence = f'<span class="conf conf-{k.confidence}">{k.confidence}/5</span>'
    else:
        confidence = '<span class="sub">—</span>'
    owner = escape(k.owner.display_name) if k.owner_id else "—"
    if k.last_checkin_at:
        at = timezone.localtime(k.last_checkin_at)
        day = _short_date(at.date(), get_language() or "")
        last = f'<time datetime="{at.isoformat()}">{day}</time>'
    else:
        last = labels["never"]
    action = ""
    if k.can_check_in:
        action = (
            f'<a class="action" href="/key-results/{k.pk}/check-in/">{labels["check_in"]}'
            f'<span class="sr-only">: {escape(k.title)}</span></a>'
        )
    return (
        f'<tr>\n  <th scope="row">{escape(k.title)}<div class="sub">{"".join(sub)}</div></th>\n'
        f'  <td class="progress">{progress_bar(k.progress, k.expected)}</td>\n'
        f"  <td>{status_badge(k.status)}{override}</td>\n"
        f"  <td>{confidence}</td>\n"
        f'  <td><span class="mlabel">{labels["owner"]}</span>{owner}</td>\n'
        f'  <td><span class="mlabel">{labels["last"]}</span>{last}</td>\n'
        f"  <td>{action}</td>\n</tr>\n"
    )


def options(choices, selected) -> str:
    """`<option>`s of (value, label) pairs, `selected` marked: the explorer's filters offer
    hundreds of teams, too many for a template loop per request."""
    chosen = "" if selected is None else str(selected)
    return "".join(
        f'<option value="{escape(str(v))}"{" selected" if str(v) == chosen else ""}>'
        f"{escape(str(label))}</option>"
        for v, label in choices
    )


def objective_card(o, expected: float | None, krs_filtered: bool = False) -> str:
    """An objective of the explorer's tree: title, status, progress against `expected`, owner,
    kind and visibility tags, then its key results (`o.krs`) as a table of `kr_row`s. With
    `krs_filtered` (a filter picks key results) an objective without rows says nothing."""
    labels = _labels()
    tags = ""
    if o.kind == "aspirational":
        tags += f' <span class="tag">{labels["aspirational"]}</span>'
    if o.visibility in ("private", "team"):
        tags += f' <span class="tag">{labels[o.visibility]}</span>'
    owner = escape(o.owner.display_name) if o.owner_id else "—"
    title = escape(o.title)
    if o.krs:
        rows = "".join(kr_row(k) for k in o.krs)
        caption = labels["krs_of"] % {"t": title}
        body = (
            f'<table class="krs"><caption class="sr-only">{caption}</caption>{kr_head()}'
            f"<tbody>{rows}</tbody></table>"
        )
    elif not krs_filtered:
        body = f'<p class="empty">{labels["no_krs_yet"]}</p>'
    else:
        body = ""
    return (
        f'<article class="objective"><header><h3><a href="/objectives/{o.pk}/">{title}</a></h3>'
        f'<div class="meta">{status_badge(o.status)} {progress_bar(o.progress, expected)} '
        f'<span class="owner">{owner}</span>{tags}</div></header>{body}</article>\n'
    )
