"""Typed readers for environment settings that refuse bad values instead of guessing."""

import os

from django.core.exceptions import ImproperlyConfigured

# Every name read through these helpers is recorded, so a test can check that README documents it.
READ: dict[str, str | None] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, default: str | None) -> str | None:
    READ[name] = default
    return os.environ.get(name, default)


def env_str(name: str, default: str) -> str:
    value = _raw(name, default)
    assert value is not None
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name, "true" if default else "false")
    lowered = (value or "").strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name, str(default))
    try:
        number = int(value or "")
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: str) -> list[str]:
    value = _raw(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]
