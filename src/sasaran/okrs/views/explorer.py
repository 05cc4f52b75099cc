"""Pages: the OKR explorer (tree and list of a cycle, with filters) and the alignment map.

Filters are GET parameters, so every view of the explorer is a URL that can be shared; the
same URL with format=csv downloads what the view shows (all pages), as okrs.exports lays out. The
filter form asks htmx to fetch the same URL and swap only the results; without JavaScript the
form submits and the whole page renders with the same results.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from sasaran import csvfile
from sasaran.okrs import explore, exports, queries
from sasaran.okrs.models import STATUS_CHOICES
from sasaran.web.pages import actor_page, kept_page

VIEWS = ("tree", "list")


def page_number(raw: str | None) -> int:
    """A page number from the query string: 1 for anything else (a bad link shows page 1)."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@actor_page
@kept_page
def okrs(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    now = timezone.now()
    cycles = list(queries.cycles(actor))
    cycle = explore.pick_cycle(cycles, request.GET.get("cycle"))
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "tree"
    filters = explore.parse_filters(request.GET)
    teams = explore.team_tree(actor)
    if cycle is not None and request.GET.get("format") == "csv":
        export = exports.explorer_list if view == "list" else exports.explorer_tree
        header, rows = export(actor, cycle, teams, filters, timezone.now())
        name = "key-results" if view == "list" else "objectives"
        return csvfile.response(exports.filename(name, cycle), header, rows)
    page = page_number(request.GET.get("page"))
    result = None
    if cycle is not None:
        if view == "list":
            result = explore.explore_list(actor, cycle, teams, filters, now, page)
        else:
            result = explore.explore_tree(actor, cycle, teams, filters, now, page)
    # The current filters without the view and page, for the view switch and the pager.
    params = request.GET.copy()
    for key in ("view", "page", "format"):
        params.pop(key, None)
    if cycle is not None:
        params["cycle"] = str(cycle.pk)
    page_size = explore.LIST_PAGE_SIZE if view == "list" else explore.TREE_PAGE_SIZE
    total = 0
    if result is not None:
        total = result.row_count if view == "list" else result.objective_count
    context = {
        "actor": actor,
        "cycles": cycles,
        "cycle": cycle,
        "view": view,
        "filters": filters,
        # Indented by depth with no-break spaces (U+00A0): a select cannot nest.
        "team_options": [(t.id, "\u00a0\u00a0" * (len(t.path) - 1) + t.name) for t in teams],
        "owners": explore.owner_choices(actor, cycle, filters.owner) if cycle else [],
        "statuses": STATUS_CHOICES,
        "confidences": range(1, 6),
        "result": result,
        "query": params.urlencode(),
        "csv_url": f"?{params.urlencode()}&view={view}&format=csv",
        "page": page,
        "page_size": page_size,
        "paged": total > page_size,
        "has_next": page * page_size < total,
        "page_count": max(-(-total // page_size), 1),
        "first_shown": (page - 1) * page_size + 1,
        "last_shown": min(page * page_size, total),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "okrs/explorer/_results.html" if partial else "okrs/explorer/okrs.html"
    response = render(request, template, context)
    # The same URL answers with a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@actor_page
@kept_page
def alignment(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    cycles = list(queries.cycles(actor))
    cycle = explore.pick_cycle(cycles, request.GET.get("cycle"))
    amap = None
    if cycle is not None:
        amap = explore.alignment_map(actor, cycle, explore.team_tree(actor), timezone.now())
        if request.GET.get("format") == "csv":
            header, rows = exports.alignment(amap)
            return csvfile.response(exports.filename("alignment", cycle), header, rows)
    return render(
        request,
        "okrs/explorer/alignment.html",
        {
            "actor": actor,
            "cycles": cycles,
            "cycle": cycle,
            "map": amap,
            "csv_url": f"?cycle={cycle.pk}&format=csv" if cycle else "",
        },
    )


urlpatterns = [
    path("okrs/", okrs, name="okrs"),
    path("alignment/", alignment, name="alignment"),
]
