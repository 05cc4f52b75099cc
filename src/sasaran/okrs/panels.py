"""An extension point of the objective page: apps built on okrs add a section under each key
result (the work app: the initiatives that drive it) without okrs importing them. A provider
takes the reader, the page's key results and the time, and returns HTML per key result id, in a
fixed number of queries whatever the number of key results."""

from collections.abc import Callable

from django.utils.safestring import SafeString

Provider = Callable[..., dict[int, SafeString]]
_PROVIDERS: list[Provider] = []


def register_kr_panel(provider: Provider) -> None:
    """Called from an app's ready(); registering the same provider twice adds it once."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def kr_panels(actor, krs: list, now) -> dict[int, list[SafeString]]:
    out: dict[int, list[SafeString]] = {kr.pk: [] for kr in krs}
    for provider in _PROVIDERS:
        for kr_id, html in provider(actor, krs, now).items():
            if html and kr_id in out:
                out[kr_id].append(html)
    return out
