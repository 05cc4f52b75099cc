"""The public REST API (/api/v1): authentication, error format and the routers of each app."""

from django.db import OperationalError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from sasaran import ratelimit
from sasaran.accounts.actions import authenticate_token
from sasaran.accounts.queries import Actor, request_actor
from sasaran.errors import ActionError, NotFound
from sasaran.schemas import JSONRenderer
from sasaran.web.middleware import busy_message, is_database_busy


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        # Checked before the token: once an address (or a token prefix) has used up its budget,
        # even a right guess is refused, so guessing cannot go on until it finds one.
        budgets = ratelimit.token_budgets(request, token)
        wait = ratelimit.exhausted(*budgets)
        if wait is not None:
            raise RateLimited(wait)
        found = authenticate_token(token)
        if found is None:
            ratelimit.spend(*budgets)
            return None
        request.actor, request.stamps = request_actor(*found)  # type: ignore[attr-defined]
        return request.actor  # type: ignore[attr-defined]


class SessionActorAuth(SessionAuth):
    """The UI's session; CSRF is checked on unsafe methods by SessionAuth."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing for CSRF to protect: a request with a
        # missing or bad token must get 401, not SessionAuth's "CSRF check Failed" 403.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = super().authenticate(request, key)
        if not user:
            return None
        try:
            request.actor, request.stamps = request_actor(user.pk, user=user)  # type: ignore[attr-defined]
        except NotFound:
            return None
        return request.actor  # type: ignore[attr-defined]


api = NinjaAPI(
    title="Sasaran API",
    version="1",
    description="Objectives, key results, check-ins and more. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `sasaran token create EMAIL`).",
    auth=[TokenAuth(), SessionActorAuth()],
    urls_namespace="api",
    renderer=JSONRenderer(),
)


def _error(request, detail: str, status: int, errors: list | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request, exc: ActionError):
    return _error(request, exc.message, exc.status, exc.errors)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = []
    for err in exc.errors:
        # ("body", "payload", "title") -> "title": drop where the value came from and the
        # parameter's name, only at the front (a field may itself be called "body").
        loc = [str(part) for part in err.get("loc", [])]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        message = str(err.get("msg") or "Invalid value.").removeprefix("Value error, ")
        errors.append({"field": ".".join(loc) or None, "message": message})
    first = errors[0] if errors else {"field": None, "message": _("Invalid input.")}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return _error(request, detail, 422, errors)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc: RateLimited):
    response = _error(request, _("Too many failed attempts; wait a minute."), 429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, _("Authentication required: send a valid bearer token or sign in."), 401)


@api.exception_handler(OperationalError)
def on_database_error(request, exc: OperationalError):
    if not is_database_busy(exc):
        raise exc
    response = _error(request, busy_message(), 503)
    response["Retry-After"] = "2"
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, str(exc), exc.status_code)


def _register() -> None:
    from sasaran.accounts.api import router as accounts_router
    from sasaran.okrs.api import router as okrs_router
    from sasaran.okrs.comments_api import router as comments_router
    from sasaran.okrs.history_api import router as audit_router
    from sasaran.work.api import router as work_router

    api.add_router("", accounts_router)
    api.add_router("", okrs_router)
    api.add_router("", audit_router)
    api.add_router("", comments_router)
    api.add_router("", work_router)


_register()
