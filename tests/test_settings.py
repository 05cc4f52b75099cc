"""Every environment variable Sasaran reads is documented in README.md."""

import re
from pathlib import Path

from django.conf import settings  # noqa: F401 - importing settings records what they read

from sasaran.envconf import READ

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", README.read_text()))
    assert READ, "settings read no environment variable at all?"
    missing = sorted(set(READ) - documented)
    assert missing == [], f"document these in README.md: {missing}"


def test_readme_starts_with_the_two_commands():
    text = README.read_text()
    assert text.index("make run") < text.index("make test") < text.index("## Configuration")
