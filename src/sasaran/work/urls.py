"""Work page URLs."""

from django.urls import include, path

urlpatterns = [path("", include("sasaran.work.views.pages"))]
