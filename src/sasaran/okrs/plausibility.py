"""Whether a check-in value is far outside a key result's range (a slip of the keyboard worth a
question before saving), and what the typist probably meant."""

from __future__ import annotations

import math
import re

# A value more than this many spans (|target − start|) away from the start, either side, is
# asked about. Real results overshoot or fall back by a span or two; ten is a typo's distance
# (an extra three zeros, a decimal mark read as a thousands separator).
FAR_FACTOR = 10
MAX_MAGNITUDE = 1e15  # okrs.progress.MAX_MAGNITUDE (the bounds never pass it)

STAY_DIRECTIONS = frozenset({"stay_at_or_above", "stay_at_or_below"})


def usual_range(start: float, target: float, direction: str) -> tuple[float, float]:
    """The values saved without a question: within FAR_FACTOR spans of the start.

    A stay KR's start is only its value on day one, so its span is at least the size of the
    line it holds (uptime 97 above 95: any value from −853 to 1,047 passes); the same floor
    applies when start equals target. The span is never below 1, so a line at 0 still leaves
    room (0 incidents: −10 to 10)."""
    span = abs(target - start)
    if span == 0 or direction in STAY_DIRECTIONS:
        span = max(span, abs(target), 1.0)
    reach = FAR_FACTOR * span
    return max(start - reach, -MAX_MAGNITUDE), min(start + reach, MAX_MAGNITUDE)


def is_far(value: float, start: float, target: float, direction: str) -> bool:
    """True when `value` lies outside `usual_range` (the bounds themselves are not far)."""
    if not math.isfinite(value):
        return True
    low, high = usual_range(start, target, direction)
    return not low <= value <= high


_TYPED = re.compile(r"^[+\-−]?[\d.,\s'\u00a0\u202f]*\d[\d.,\s'\u00a0\u202f]*$")


def readings(text: str) -> list[float]:
    """The numbers `text` could have meant, each mark (",", ".") read as the decimal mark and
    the other as grouping: "1.250,5" -> [1250.5]; "72,5" -> [725.0, 72.5]; "1,000.5" ->
    [1000.5]. Spaces and apostrophes group digits. Nothing readable: []."""
    text = text.strip()
    if not _TYPED.match(text):
        return []
    negative = text[0] in "-−"
    body = re.sub(r"[\s'\u00a0\u202f+\-−]", "", text)
    out: list[float] = []
    for decimal, group in ((".", ","), (",", ".")):
        if body.count(decimal) > 1 or (decimal in body and body.rfind(group) > body.find(decimal)):
            continue  # a decimal mark comes once, after every grouping mark
        candidate = body.replace(group, "").replace(decimal, ".")
        try:
            number = float(candidate)
        except ValueError:
            continue
        number = -number if negative else number
        if number not in out:
            out.append(number)
    return out


def read_as(text: str, decimal: str) -> float | None:
    """`text` read in one convention: `decimal` ("." or ",") as the decimal mark and the other
    as grouping of threes ("1,000,000.5" with "."; "1.000.000,5" with ","); None when it does
    not read that way."""
    group = "," if decimal == "." else "."
    text = re.sub(r"[\s\u00a0\u202f']", "", text.strip())
    match = re.fullmatch(
        rf"([+\-−]?)(\d{{1,3}}(?:{re.escape(group)}\d{{3}})+|\d+)(?:{re.escape(decimal)}(\d+))?",
        text,
    )
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    number = float(whole.replace(group, "") + (f".{fraction}" if fraction else ""))
    return -number if sign in ("-", "−") else number


def suggestion(
    text: str, value: float, start: float, target: float, direction: str
) -> float | None:
    """The reading of `text` that is not far, when the one taken (`value`) is: the nearest to
    the target; None when no other reading is plausible (then the page only asks to confirm)."""
    if not is_far(value, start, target, direction):
        return None
    near = [r for r in readings(text) if r != value and not is_far(r, start, target, direction)]
    return min(near, key=lambda r: abs(r - target), default=None)
