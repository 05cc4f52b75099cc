"""Page URLs. Each feature module owns its own `urlpatterns`, so features grow independently."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from sasaran.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("sasaran.web.home")),
    path("", include("sasaran.web.explorer")),
    path("", include("sasaran.web.objective")),
    path("", include("sasaran.web.editing")),
    path("", include("sasaran.web.cycles")),
    path("", include("sasaran.web.people")),
    path("", include("sasaran.web.profile")),
    path("", include("sasaran.web.accountflows")),
]
