"""Middleware of the shell: the Content-Security-Policy on every response, and a signed-in user's
chosen language over the browser's and the cookie's."""

from django.conf import settings
from django.db import OperationalError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


class ContentSecurityPolicyMiddleware:
    """Sets settings.CONTENT_SECURITY_POLICY on every response (pages, API, static files: it runs
    outside whitenoise) unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Runs after AuthenticationMiddleware (and after LocaleMiddleware has guessed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language in _SUPPORTED:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def is_database_busy(exc: Exception) -> bool:
    """SQLite's "database is locked" (past its timeout: 20 s of waiting for the write lock)."""
    return isinstance(exc, OperationalError) and "locked" in str(exc)


def busy_message() -> str:
    return _("Sasaran is busy saving other changes, and nothing of yours was saved. Try again.")


class BusyDatabaseMiddleware:
    """A page whose write waited longer than the database's timeout for its turn says so (503,
    Retry-After), instead of an error page; the transaction rolled back, nothing half-saved.
    The API says it in its own format (sasaran/api.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not is_database_busy(exc):
            return None
        response = render(
            request, "web/error.html", {"message": busy_message(), "status": 503}, status=503
        )
        response["Retry-After"] = "2"
        return response
