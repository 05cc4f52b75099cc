"""What every page view shares: the signed-in actor, and action errors turned into pages.

Usage:

    @actor_page
    def objective(request, objective_id):
        obj = queries.get_objective(request.actor, objective_id)
        ...

An ActionError raised inside (NotFound, Forbidden, Conflict, Invalid) becomes a page with the
matching status (404, 403, 409, 422) and the error's message, so views stay thin and the
permission checks stay in the actions and queries.
"""

from functools import wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from sasaran import responsecache
from sasaran.accounts.queries import request_actor
from sasaran.errors import ActionError, NotFound


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def actor_page(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.actor, request.stamps = request_actor(request.user.pk, user=request.user)
        except NotFound:
            return render(request, "web/no_workspace.html", status=403)
        try:
            # Dates and times in the reader's zone (their profile's, else the workspace's).
            with timezone.override(
                _zone(request.user.time_zone or request.actor.workspace.time_zone)
            ):
                return view(request, *args, **kwargs)
        except ActionError as exc:
            return render(
                request,
                "web/error.html",
                {"message": exc.message, "status": exc.status},
                status=exc.status,
            )

    return wrapper


def kept_page(view):
    """Under @actor_page on a GET page that many read often (Home, the explorer, an objective):
    its answer is kept per reader while the workspace is unchanged (sasaran.responsecache), and
    a reload with If-None-Match gets 304."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return responsecache.answer(request, lambda: view(request, *args, **kwargs))

    return wrapper
