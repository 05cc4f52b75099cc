"""Account page URLs: each page module owns its `urlpatterns`."""

from django.urls import include, path

urlpatterns = [
    path("", include("sasaran.accounts.views.signin")),
    path("", include("sasaran.accounts.views.accountflows")),
    path("", include("sasaran.accounts.views.people")),
    path("", include("sasaran.accounts.views.profile")),
]
