"""OKR page URLs: each page module owns its `urlpatterns`."""

from django.urls import include, path

urlpatterns = [
    path("", include("sasaran.okrs.views.home")),
    path("", include("sasaran.okrs.views.explorer")),
    path("", include("sasaran.okrs.views.attention")),
    path("", include("sasaran.okrs.views.objective")),
    path("", include("sasaran.okrs.views.checkins")),
    path("", include("sasaran.okrs.views.comments")),
    path("", include("sasaran.okrs.views.editing")),
    path("", include("sasaran.okrs.views.templates")),
    path("", include("sasaran.okrs.views.cycles")),
]
