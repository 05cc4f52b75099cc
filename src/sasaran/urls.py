"""URL map: the shell, the pages of each app, the API and Django's admin."""

from django.contrib import admin
from django.urls import include, path

from sasaran.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sasaran.web.urls")),
    path("", include("sasaran.okrs.urls")),
    path("", include("sasaran.work.urls")),
    path("", include("sasaran.accounts.urls")),
]
