"""Pages. Thin: find the actor, ask a query, render."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaran.accounts.queries import actor_for
from sasaran.api import too_many_failures
from sasaran.errors import NotFound
from sasaran.okrs import queries
from sasaran.okrs.models import CycleState


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if too_many_failures("login", request, count=False):
            return HttpResponse(_("Too many failed sign-ins; wait a minute."), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        too_many_failures("login", self.request, count=True)
        return super().form_invalid(form)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The active cycle's OKRs with progress and status (the full explorer comes later)."""
    try:
        actor = actor_for(request.user)
    except NotFound:
        return render(request, "web/no_workspace.html", status=403)
    cycles = list(queries.cycles(actor))
    selected = request.GET.get("cycle")
    cycle = next((c for c in cycles if str(c.pk) == selected), None) or next(
        (c for c in cycles if c.state == CycleState.ACTIVE), cycles[0] if cycles else None
    )
    objectives = []
    if cycle is not None:
        now = timezone.now()
        objs = list(
            queries.visible_objectives(actor)
            .filter(cycle=cycle)
            .select_related("team", "owner")
            .order_by("team__name", "position", "id")
        )
        krs = (
            queries.visible_key_results(actor)
            .filter(objective__in=objs)
            .select_related("owner", "objective__workspace")
        )
        by_obj: dict[int, list] = {o.pk: [] for o in objs}
        for kr in krs:
            by_obj[kr.objective_id].append({"kr": kr, **queries.kr_row(kr, cycle, now)})
        # Company first, then departments, then their teams; personal objectives last.
        parents = actor.team_parents

        def depth(team_id: int | None) -> int:
            steps = 0
            while team_id is not None and steps < 50:
                team_id, steps = parents.get(team_id), steps + 1
            return steps

        objs.sort(
            key=lambda o: (o.team_id is None, depth(o.team_id), o.team.name if o.team else "")
        )
        objectives = [{"obj": o, "krs": by_obj[o.pk]} for o in objs]
    return render(
        request,
        "web/home.html",
        {"actor": actor, "cycles": cycles, "cycle": cycle, "objectives": objectives},
    )
