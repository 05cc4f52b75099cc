import pytest

from sasaran.events import Event, subscribe
from sasaran.events.bus import unsubscribe


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """Every event published during the test, as immediate subscribers see them (after the
    commit): run the code under test inside `with published.commit():`."""

    class Seen(list):
        def commit(self):
            return django_capture_on_commit_callbacks(execute=True)

        def of(self, event_type):
            return [e for e in self if type(e) is event_type]

    seen = Seen()
    handler = subscribe(Event)(seen.append)
    yield seen
    unsubscribe(handler)
