"""The columns and rows of the CSV exports: the needs-attention view, the explorer's list and
tree, the alignment map, and the API's key-result and objective lists.

Column names are the API's field names (snake_case, English) in every language, so a script or
a spreadsheet formula reading an export keeps working whoever downloaded it; status and kind
are the API's codes. Percentages are whole numbers as the pages show them; values are exact.
Every export reads through the same permission-aware queries as its page, with all rows, not
one page, in a fixed number of queries."""

import datetime as dt
from collections.abc import Callable, Iterator

from django.db.models import Count, F
from django.utils.text import slugify

from sasaran.accounts.queries import Actor
from sasaran.okrs import explore, needs_attention
from sasaran.okrs.attention import points
from sasaran.okrs.explore import TeamNode
from sasaran.okrs.models import Cycle, KeyResult, Objective

Table = tuple[list[str], Iterator[list]]


def filename(kind: str, cycle: Cycle) -> str:
    """An export's file name: what it is and of which cycle, in ASCII."""
    return f"sasaran-{kind}-{slugify(cycle.name) or cycle.pk}.csv"


ATTENTION_COLUMNS = [
    "key_result_id",
    "key_result",
    "objective_id",
    "objective",
    "team",
    "owner",
    "progress_percent",
    "expected_percent",
    "gap_points",
    "status",
    "confidence",
    "stale",
    "reasons",
    "latest_blocker",
    "last_checkin_at",
    "link",
]


def _owner(obj) -> str:
    return obj.owner.display_name if obj.owner_id else ""


def attention(
    actor: Actor,
    cycle: Cycle,
    teams: list[TeamNode],
    f: needs_attention.Filters,
    now: dt.datetime,
    link: Callable[[KeyResult], str],
) -> Table:
    """Every key result the view lists, in its order; `link` gives a row's absolute URL."""
    result = needs_attention.needs_attention(actor, cycle, teams, f, now, page=None)

    def rows():
        for kr in result.rows:
            team = kr.objective.team.name if kr.objective.team_id else ""
            yield [
                kr.pk,
                kr.title,
                kr.objective_id,
                kr.objective.title,
                team,
                _owner(kr),
                points(kr.progress),
                points(kr.expected),
                kr.gap,
                kr.status,
                kr.confidence,
                kr.is_stale,
                " ".join(kr.reasons),
                kr.latest_blockers or "",
                kr.last_checkin_at,
                link(kr),
            ]

    return ATTENTION_COLUMNS, rows()


KR_COLUMNS = [
    "key_result_id",
    "key_result",
    "objective_id",
    "objective",
    "team",
    "owner",
    "kind",
    "current_value",
    "target_value",
    "unit",
    "progress_percent",
    "expected_percent",
    "status",
    "confidence",
    "stale",
    "last_checkin_at",
    "due_date",
]


def explorer_list(
    actor: Actor, cycle: Cycle, teams: list[TeamNode], f: explore.Filters, now: dt.datetime
) -> Table:
    """The explorer's list view: every matching key result, in the list's order."""
    _objectives, krs_qs = explore._matching(actor, cycle, teams, f, now)
    krs = krs_qs.select_related("owner", "objective__team").order_by(
        F("objective__team__tree_order").asc(nulls_last=True),
        "objective__position",
        "objective_id",
        "position",
        "id",
    )

    def rows():
        for kr in krs:
            explore.decorate_kr(actor, kr, cycle, now)
            yield [
                kr.pk,
                kr.title,
                kr.objective_id,
                kr.objective.title,
                kr.objective.team.name if kr.objective.team_id else "",
                _owner(kr),
                kr.kind,
                None if kr.progress is None else kr.current_value,
                kr.target_value,
                kr.currency if kr.kind == "currency" else kr.unit,
                points(kr.progress),
                points(kr.expected),
                kr.status,
                kr.confidence,
                kr.is_stale,
                kr.last_checkin_at,
                kr.due_date or cycle.end_date,
            ]

    return KR_COLUMNS, rows()


OBJECTIVE_COLUMNS = [
    "objective_id",
    "objective",
    "team",
    "owner",
    "kind",
    "visibility",
    "progress_percent",
    "expected_percent",
    "status",
    "key_results",
]


def explorer_tree(
    actor: Actor, cycle: Cycle, teams: list[TeamNode], f: explore.Filters, now: dt.datetime
) -> Table:
    """The explorer's tree view: every matching objective in team tree order, its team as the
    path from the top ("Company › Product"), and how many of its key results match."""
    objectives_qs, krs_qs = explore._matching(actor, cycle, teams, f, now)
    expected = explore.cycle_expected(cycle, actor.workspace, now)
    counts = dict(
        krs_qs.order_by()
        .values("objective_id")
        .annotate(n=Count("id"))
        .values_list("objective_id", "n")
    )
    paths = {t.id: " › ".join(t.path) for t in teams}
    objectives = objectives_qs.select_related("owner").order_by(
        F("team__tree_order").asc(nulls_last=True), "position", "id"
    )

    def rows():
        for o in objectives:
            yield [
                o.pk,
                o.title,
                paths.get(o.team_id, ""),
                _owner(o),
                o.kind,
                o.visibility,
                points(o.progress),
                points(expected),
                o.status,
                counts.get(o.pk, 0),
            ]

    return OBJECTIVE_COLUMNS, rows()


ALIGNMENT_COLUMNS = [
    "objective_id",
    "objective",
    "level",
    "aligned_to_id",
    "aligned_to",
    "team",
    "owner",
    "progress_percent",
    "status",
]


def alignment(amap: explore.AlignmentMap) -> Table:
    """The alignment map walked depth first, as the page draws it: each objective with its
    level (0 at the top) and what it aligns to, when the reader may see that; unaligned team
    and personal objectives last, at level 0 with nothing to align to."""

    def walk(nodes: list[Objective], level: int, parent: Objective | None):
        for o in nodes:
            above = parent or o.outer_parent
            yield [
                o.pk,
                o.title,
                level,
                above.pk if above else None,
                above.title if above else "",
                "" if o.team_node is None else " › ".join(o.team_node.path),
                _owner(o),
                points(o.progress),
                o.status,
            ]
            yield from walk(o.aligned, level + 1, o)

    def rows():
        yield from walk(amap.roots, 0, None)
        yield from walk(amap.unaligned, 0, None)

    return ALIGNMENT_COLUMNS, rows()


def flat(row: dict, prefix: str = "") -> dict:
    """An API row as one line: nested objects become prefixed columns (forecast_projected_value),
    lists are left out (a key result's milestones have their own endpoint shape)."""
    out: dict = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}_"))
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


def api_table(header: list[str], shaped_rows) -> Table:
    """API rows (dicts) as a table with the given columns (flat names, see `flat`)."""
    return header, ([flat(row).get(column) for column in header] for row in shaped_rows)


def schema_columns(schema) -> list[str]:
    """The flat column names of an API output schema: nested schemas become prefixed columns,
    lists are left out (as `flat` does with a row)."""
    columns = []
    for name, info in schema.model_fields.items():
        kind = info.annotation
        if isinstance(kind, type) and hasattr(kind, "model_fields"):
            columns.extend(f"{name}_{sub}" for sub in schema_columns(kind))
        elif getattr(kind, "__origin__", None) is not list:
            columns.append(name)
    return columns
