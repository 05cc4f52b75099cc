"""The shell's URLs: the health check. The pages are in each app's urls.py."""

from django.urls import path

from sasaran.web import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
