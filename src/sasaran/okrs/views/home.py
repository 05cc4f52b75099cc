"""Page: home — my key results that need a check-in, my teams' objectives, the company's latest
check-ins and the active cycles at a glance."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from sasaran.okrs import explore
from sasaran.web.pages import actor_page, kept_page


@actor_page
@kept_page
def home(request: HttpRequest) -> HttpResponse:
    data = explore.home(request.actor, timezone.now())
    return render(request, "okrs/home.html", {"actor": request.actor, "home": data})


urlpatterns = [path("", home, name="home")]
