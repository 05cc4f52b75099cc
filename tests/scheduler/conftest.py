import pytest

from sasaran.scheduler import registry


@pytest.fixture
def only_test_jobs(monkeypatch):
    """The scheduler knows only the jobs a test registers (not the apps' own)."""
    monkeypatch.setattr(registry, "_jobs", {})
    monkeypatch.setattr(registry, "_sources", [])
