"""Page: needs attention — a cycle's key results that are behind, unsure or stale, the largest
gap to the expected progress first, with their latest blockers and a summary of the key results
in view; filterable by team (with its sub-teams) and owner.

Filters are GET parameters, so the page's URL is the link to share; the same URL with
format=csv is its export."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from sasaran import csvfile
from sasaran.okrs import explore, exports, needs_attention, queries
from sasaran.okrs.views.explorer import page_number
from sasaran.web.fragments import url_of
from sasaran.web.pages import actor_page, kept_page


@actor_page
@kept_page
def attention(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    now = timezone.now()
    cycles = list(queries.cycles(actor))
    cycle = explore.pick_cycle(cycles, request.GET.get("cycle"))
    filters = needs_attention.parse_filters(request.GET)
    teams = explore.team_tree(actor)
    if cycle is not None and request.GET.get("format") == "csv":

        def link(kr) -> str:
            return request.build_absolute_uri(f"{url_of('objective', kr.objective_id)}#kr-{kr.pk}")

        header, rows = exports.attention(actor, cycle, teams, filters, now, link)
        return csvfile.response(exports.filename("needs-attention", cycle), header, rows)
    page = page_number(request.GET.get("page"))
    result = None
    if cycle is not None:
        result = needs_attention.needs_attention(actor, cycle, teams, filters, now, page)
    params = request.GET.copy()
    for key in ("page", "format"):
        params.pop(key, None)
    if cycle is not None:
        params["cycle"] = str(cycle.pk)
    size = needs_attention.PAGE_SIZE
    total = result.count if result else 0
    team_names = {t.id: t.name for t in teams}
    # Whoever the page names (a row's owner, someone who owes a check-in) can be filtered on.
    on_screen = set()
    if result:
        on_screen.update(kr.owner_id for kr in result.rows if kr.owner_id)
        if result.summary:
            on_screen.update(o.user_id for o in result.summary.not_checked_in)
    context = {
        "actor": actor,
        "cycles": cycles,
        "cycle": cycle,
        "filters": filters,
        "team_name": team_names.get(filters.team) if filters.team else None,
        "team_options": [(t.id, "\u00a0\u00a0" * (len(t.path) - 1) + t.name) for t in teams],
        "owners": explore.owner_choices(actor, cycle, filters.owner, also=on_screen)
        if cycle
        else [],
        "result": result,
        "query": params.urlencode(),
        "csv_url": f"?{params.urlencode()}&format=csv",
        "status_counts": [
            (status, result.summary.by_status[status]) for status in needs_attention.STATUSES
        ]
        if result and result.summary
        else [],
        "page": page,
        "has_prev": page > 1,
        "has_next": page * size < total,
        "page_count": max(-(-total // size), 1),
        "first_shown": (page - 1) * size + 1,
        "last_shown": min(page * size, total),
    }
    return render(request, "okrs/attention/page.html", context)


urlpatterns = [path("okrs/attention/", attention, name="attention")]
