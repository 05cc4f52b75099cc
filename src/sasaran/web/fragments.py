"""The small pieces of HTML drawn on every row: a status badge, a progress bar with its
expected-progress marker, the explorer's key-result rows and objective cards, select options.

They are built in Python rather than by template includes: the explorer draws about a hundred
rows, and an include (or a dozen tags) per piece per row cost more than all the rest of the page
(bench/README.md). Templates reach them through the tags of the `sasaran` library
(`status_badge`, `progress_bar`, `kr_head`, `kr_row`, `objective_card`, `options`), so every page
draws them the same way. Every piece is built with format_html / format_html_join, which escape
whatever they are given unless it is itself a piece built that way: escaping is the default, not
something each line must remember. The labels are translated once per language.
"""

import datetime as dt
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from sasaran.okrs.units import unit_for

STATUS_ICONS = {"on_track": "●", "at_risk": "▲", "off_track": "■", "done": "✓", "not_started": "○"}
# A cycle not started draws no bar: a percentage there would suggest work already done.
NOT_STARTED = "not_started"

_labels_by_language: dict[str, dict[str, str]] = {}


def _labels(language: str | None = None) -> dict[str, str]:
    """The row labels in `language` (default: the current one), translated once."""
    if language is None:
        language = get_language() or ""
    labels = _labels_by_language.get(language)
    if labels is None:
        labels = {
            "on_track": gettext("On track"),
            "at_risk": gettext("At risk"),
            "off_track": gettext("Off track"),
            "done": gettext("Done"),
            "not_started": gettext("Not started"),
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
    return f"{text} {unit_for(kr.unit, number)}".strip()


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


def percent(fraction: float | None) -> int | None:
    return None if fraction is None else round(float(fraction) * 100)


# Past this, a percentage says only that it is huge: "1000000000000000% of target" would draw
# wider than any column (a far-out value confirmed on purpose, a target next to the start).
PERCENT_SHOWN = 999
MINUS = "\u2212"


def percent_text(fraction: float | None) -> str:
    """A ratio as whole percent for text, localised and bounded: 0.81 -> "81", 12.5 -> "> 999",
    -20 -> "< −999"; unknown -> ""."""
    pct = percent(fraction)
    if pct is None:
        return ""
    if pct > PERCENT_SHOWN:
        return f"> {format_number(PERCENT_SHOWN)}"
    if pct < -PERCENT_SHOWN:
        return "< " + MINUS + format_number(PERCENT_SHOWN)
    return format_number(pct) if pct >= 0 else MINUS + format_number(-pct)


# reverse() costs ~10 µs, twice a row: each URL's shape is reversed once per script prefix and
# the id put into it. (Sasaran sets no per-request urlconf, so the URL map is always the same.)
_URL_MARKER = 2_147_483_647


@lru_cache(maxsize=32)
def _url_shape(name: str, prefix: str) -> tuple[str, str]:
    before, _marker, after = reverse(name, args=[_URL_MARKER]).partition(str(_URL_MARKER))
    return before, after


def url_of(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL whose only argument is an integer id."""
    before, after = _url_shape(name, get_script_prefix())
    return f"{before}{int(pk)}{after}"


def status_badge(status: str | None) -> SafeString:
    return _status_badge(status, get_language() or "")


def progress_bar(
    progress: float | None, expected: float | None, status: str | None = None
) -> SafeString:
    """The bar of `progress` (a fraction, or None: unknown is not 0%) with a marker at
    `expected` (None: no marker). Screen readers get both numbers as the bar's label. Nothing
    but a dash for a `status` of "not_started" (the badge beside it says why)."""
    if status == NOT_STARTED:
        return _NO_BAR
    return _progress_bar(percent(progress), percent(expected), get_language() or "")


def kr_head() -> SafeString:
    """The header row of a table of `kr_row`s (the tree draws one per objective)."""
    return _pieces(get_language() or "")["kr_head"]


# A page repeats the same badges, bars and labels on every row: each is built once per language
# (and value) and reused, so a row escapes only what is its own (titles, names, values).
@lru_cache(maxsize=64)
def _status_badge(status: str | None, language: str) -> SafeString:
    labels = _labels(language)
    if not status:
        return format_html('<span class="status">{}</span>', labels["no_status"])
    return format_html(
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status,
        STATUS_ICONS.get(status, ""),
        labels.get(status, status),
    )


@lru_cache(maxsize=4096)
def _progress_bar(pct: int | None, expected_pct: int | None, language: str) -> SafeString:
    labels = _labels(language)
    if pct is None:
        return format_html('<span class="pct muted">{}</span>', labels["no_counted"])
    aria = labels["pct_done"] % {"p": pct}
    marker = ""
    if expected_pct is not None:
        aria += ", " + labels["expected"] % {"e": expected_pct}
        marker = format_html('<span class="expected at-{}"></span>', _bounded(expected_pct))
    # Widths and positions are classes (app.css), not style attributes: the
    # Content-Security-Policy allows no inline style.
    return format_html(
        '<span class="bar" role="img" aria-label="{}">'
        '<span class="fill w-{}"></span>{}</span>'
        '<span class="pct">{}%</span>',
        aria,
        _bounded(pct),
        marker,
        pct,
    )


def _bounded(pct: int) -> int:
    return min(max(pct, 0), 100)


_pieces_by_language: dict[str, dict[str, SafeString]] = {}


def _pieces(language: str) -> dict[str, SafeString]:
    """The fixed pieces of a row in `language`."""
    pieces = _pieces_by_language.get(language)
    if pieces is None:
        labels = _labels(language)
        head_cells = format_html_join(
            "",
            '<th scope="col">{}</th>',
            ((labels[key],) for key in ("kr", "progress", "status", "confidence", "owner", "last")),
        )
        pieces = {
            "kr_head": format_html(
                '<thead><tr>{}<th scope="col"><span class="sr-only">{}</span></th></tr></thead>',
                head_cells,
                labels["actions"],
            ),
            "stale": format_html(
                ' · <span class="stale"><span aria-hidden="true">◌</span> {}</span>',
                labels["stale"],
            ),
            "overridden": format_html('<div class="sub">{}</div>', labels["overridden"]),
            "no_confidence": format_html('<span class="sub">{}</span>', "—"),
            "owner": format_html('<span class="mlabel">{}</span>', labels["owner"]),
            "last": format_html('<span class="mlabel">{}</span>', labels["last"]),
            "never": format_html("{}", labels["never"]),
            "check_in": format_html("{}", labels["check_in"]),
            "no_krs_yet": format_html('<p class="empty">{}</p>', labels["no_krs_yet"]),
            **{
                f"tag_{key}": format_html(' <span class="tag">{}</span>', labels[key])
                for key in ("aspirational", "private", "team")
            },
            **{
                f"confidence_{n}": format_html('<span class="conf conf-{}">{}/5</span>', n, n)
                for n in range(1, 6)
            },
        }
        _pieces_by_language[language] = pieces
    return pieces


# A row is one format_html call: its optional parts are chosen among constant format strings,
# and each of its own texts is escaped once (the title, shown twice, is one argument).
_ROW = (
    '<tr>\n  <th scope="row">{title}<div class="sub">%(objective)s{values}{attainment}{stale}'
    "</div></th>\n"
    '  <td class="progress">{bar}</td>\n'
    "  <td>{badge}{overridden}</td>\n"
    "  <td>{confidence}</td>\n"
    "  <td>{owner_label}{owner}</td>\n"
    "  <td>{last_label}%(last)s</td>\n"
    "  <td>%(action)s</td>\n</tr>\n"
)


@lru_cache(maxsize=16)
def _row_format(show_objective: bool, team: bool, checked_in: bool, can_check_in: bool) -> str:
    objective = ""
    if show_objective:
        objective = '<a href="{objective_url}">{objective_title}</a>'
        objective += " · {team}<br>" if team else "<br>"
    return _ROW % {
        "objective": objective,
        "last": '<time datetime="{at}">{day}</time>' if checked_in else "{never}",
        "action": (
            '<a class="action" href="{checkin_url}">{check_in}'
            '<span class="sr-only">: {title}</span></a>'
            if can_check_in
            else ""
        ),
    }


@lru_cache(maxsize=1024)
def _short_date(day: dt.date, language: str) -> SafeString:
    return format_html("{}", date_format(day, "SHORT_DATE_FORMAT"))


def kr_row(k, show_objective: bool = False) -> SafeString:
    """A key result as a row of the explorer's tables: title with value and flags, progress,
    status, confidence, owner, last check-in and the check-in link when the reader may."""
    language = get_language() or ""
    pieces = _pieces(language)
    if k.progress is None:
        values = "—"  # nothing to count yet: no value either
    elif k.kind == "boolean":
        values = format_value(k.current_value, k)
    else:
        values = f"{format_value(k.current_value, k)} / {format_value(k.target_value, k)}"
    attainment: str = _EMPTY
    if k.attainment is not None and k.attainment > 1:
        attainment = " · " + _labels(language)["of_target"] % {"a": percent_text(k.attainment)}
    args = {
        "title": k.title,
        "values": values,
        "attainment": attainment,
        "stale": pieces["stale"] if k.is_stale else _EMPTY,
        "bar": progress_bar(k.progress, k.expected, k.status),
        "badge": _status_badge(k.status, language),
        "overridden": pieces["overridden"] if k.status_override else _EMPTY,
        "confidence": pieces.get(f"confidence_{k.confidence}", pieces["no_confidence"]),
        "owner_label": pieces["owner"],
        "owner": _name(k.owner.display_name) if k.owner_id else "—",
        "last_label": pieces["last"],
    }
    team = False
    if show_objective:
        objective = k.objective
        args["objective_url"] = url_of("objective", k.objective_id)
        args["objective_title"] = objective.title
        if objective.team_id:
            team = True
            args["team"] = objective.team.name
    if k.last_checkin_at:
        at = timezone.localtime(k.last_checkin_at)
        args["at"] = at.isoformat()
        args["day"] = _short_date(at.date(), language)
    else:
        args["never"] = pieces["never"]
    if k.can_check_in:
        args["checkin_url"] = url_of("kr_checkin", k.pk)
        args["check_in"] = pieces["check_in"]
    row = _row_format(show_objective, team, bool(k.last_checkin_at), bool(k.can_check_in))
    return format_html(row, **args)


# Built once: an empty "" argument would go through escaping on every row.
_EMPTY = format_html("{}", "")
_NO_BAR = format_html('<span class="pct muted">{}</span>', "—")


def _concat(pieces: list) -> SafeString:
    """Pieces one after another, in one format_html call (built pieces pass unescaped)."""
    return format_html("{}" * len(pieces), *pieces) if pieces else _EMPTY


@lru_cache(maxsize=4096)
def _name(text: str) -> SafeString:
    """A person's name, escaped once: the same few owners fill a page's rows."""
    return format_html("{}", text)


_SELECTED = format_html(" {}", "selected")


def options(choices, selected) -> SafeString:
    """`<option>`s of (value, label) pairs, `selected` marked: the explorer's filters offer
    hundreds of teams, too many for a template loop per request. The same list comes back on
    every request until a team changes, so it is built once (a format_html per option, ~4 ms
    for 300 teams, would be a tenth of the explorer's time)."""
    key = (tuple(choices), "" if selected is None else str(selected))
    try:
        return _options(*key)
    except TypeError:  # unhashable choices: build them every time
        return _options.__wrapped__(*key)


@lru_cache(maxsize=64)
def _options(choices: tuple, chosen: str) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, _SELECTED if str(v) == chosen else "", label) for v, label in choices),
    )


def objective_card(o, expected: float | None, krs_filtered: bool = False) -> SafeString:
    """An objective of the explorer's tree: title, status, progress against `expected`, owner,
    kind and visibility tags, then its key results (`o.krs`) as a table of `kr_row`s. With
    `krs_filtered` (a filter picks key results) an objective without rows says nothing."""
    language = get_language() or ""
    labels, pieces = _labels(language), _pieces(language)
    tags = format_html(
        "{}{}",
        pieces["tag_aspirational"] if o.kind == "aspirational" else "",
        pieces.get(f"tag_{o.visibility}", ""),
    )
    if o.krs:
        body = format_html(
            '<table class="krs"><caption class="sr-only">{}</caption>{}<tbody>{}</tbody></table>',
            labels["krs_of"] % {"t": o.title},
            pieces["kr_head"],
            _concat([kr_row(k) for k in o.krs]),
        )
    elif not krs_filtered:
        body = pieces["no_krs_yet"]
    else:
        body = ""
    return format_html(
        '<article class="objective"><header><h3><a href="{}">{}</a></h3>'
        '<div class="meta">{} {} <span class="owner">{}</span>{}</div></header>{}</article>\n',
        url_of("objective", o.pk),
        o.title,
        _status_badge(o.status, language),
        progress_bar(o.progress, expected, o.status),
        _name(o.owner.display_name) if o.owner_id else "—",
        tags,
        body,
    )
