"""The apps' import rules (docs/architecture.md): a lower app never imports a higher one, so
the core never depends on the apps built on it. Read from the source with `ast`, imports inside
functions included."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sasaran"

# Each app and the apps it may import (besides itself and the shared modules below). Apps that
# do not exist yet are listed so that they start under the rule.
MAY_IMPORT: dict[str, set[str]] = {
    "events": set(),
    "scheduler": {"events"},
    "audit": set(),
    "accounts": {"audit", "events", "scheduler"},
    "okrs": {"accounts", "audit", "events", "scheduler"},
    "work": {"okrs", "accounts", "audit", "events", "scheduler"},
    "metrics": {"okrs", "accounts", "audit", "events", "scheduler"},
    "automations": {"work", "metrics", "okrs", "accounts", "audit", "events", "scheduler"},
    "notifications": {"work", "metrics", "okrs", "accounts", "audit", "events", "scheduler"},
    "dashboards": {
        *("automations", "notifications", "work", "metrics", "okrs", "accounts", "audit"),
        *("events", "scheduler"),
    },
    "insights": {
        *("automations", "notifications", "work", "metrics", "okrs", "accounts", "audit"),
        *("events", "scheduler"),
    },
    "interchange": {
        *("automations", "notifications", "work", "metrics", "okrs", "accounts", "audit"),
        *("events", "scheduler"),
    },
    # The shell (layout, navigation, fragments, middleware): pages of any app use it; it reads
    # the core's models to draw shared fragments.
    "web": {"okrs", "accounts", "audit", "events", "scheduler"},
}
# Modules every app may use: errors, typed parameters, API types, settings helpers, the
# read-only admin base, rate limits and the cache they count in, CSV files, the markdown allow-list,
# the workspaces' change stamps and the answers kept under them.
SHARED = {
    *("errors", "params", "apitypes", "schemas", "envconf", "limits"),
    *("readonlyadmin", "ratelimit", "dbcache", "csvfile", "richtext", "changes"),
    "responsecache",
}
# The composition root wires everything together (routers, URLs, settings, the CLI).
ROOT = {"api", "urls", "settings", "cli", "wsgi"}
# Pages may use the shell; nothing else in an app may (the domain does not know about pages).
PAGES = ("views", "urls", "templatetags")
# `sasaran serve` runs the WSGI application: the one place outside the root that loads it.
ROOT_USERS = {"web/management/commands/serve.py"}


def _imports(path: Path, package: Path = PACKAGE) -> set[str]:
    """Every module of ours that `path` imports: `import x`, `from x import y` (y may be a
    module), relative imports resolved against the file's package, and
    `importlib.import_module("sasaran....")` with a literal name."""
    here = ["sasaran", *path.relative_to(package).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return {n for n in names if n.startswith("sasaran.")}


def _app_of(module: str) -> str:
    """The app (or shared/root module) a module of ours belongs to."""
    return module.split(".")[1]


def _apps() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def violations(app: str, package: Path = PACKAGE) -> list[str]:
    allowed = MAY_IMPORT[app] | SHARED | {app}
    found = []
    for path in sorted((package / app).rglob("*.py")):
        rel = path.relative_to(package / app)
        is_page = rel.parts[0].removesuffix(".py") in PAGES
        for module in sorted(_imports(path, package)):
            target = _app_of(module)
            if target == app or target in SHARED:
                continue
            if f"{app}/{rel}" in ROOT_USERS and target in ROOT:
                continue
            if target in ROOT:
                found.append(f"{app}/{rel} imports {module} (the composition root)")
            elif target not in allowed and not (is_page and target == "web"):
                # `from sasaran.okrs import x` also names the module `sasaran.okrs.x`: one report.
                if not any(
                    line.startswith(f"{app}/{rel} imports sasaran.{target}") for line in found
                ):
                    found.append(f"{app}/{rel} imports {module}")
    return found


@pytest.mark.parametrize("module", sorted(SHARED))
def test_shared_modules_import_no_app(module):
    # What every app may use must not itself lean on an app (that would make accounts depend
    # on okrs through it).
    path = PACKAGE / f"{module}.py"
    outside = {m for m in _imports(path) if _app_of(m) not in SHARED}
    assert not outside, f"{module}.py imports {sorted(outside)}"


def test_the_api_bound_is_the_arithmetic_bound():
    from sasaran import apitypes
    from sasaran.okrs import progress

    assert apitypes.MAX_MAGNITUDE == progress.MAX_MAGNITUDE


def test_every_app_is_under_a_rule():
    # formats: Django's format files; sqlite: the database backend (neither is an app).
    unknown = [app for app in _apps() if app not in MAY_IMPORT and app not in {"formats", "sqlite"}]
    assert not unknown, f"add these apps to MAY_IMPORT and docs/architecture.md: {unknown}"


@pytest.mark.parametrize("app", [a for a in MAY_IMPORT if (PACKAGE / a).is_dir()])
def test_app_imports_only_the_apps_below_it(app):
    assert not violations(app), "\n".join(violations(app))


def test_the_check_catches_a_core_app_importing_a_higher_one(tmp_path):
    # The rule has teeth: an okrs module importing the automations app is reported.
    fake = tmp_path / "okrs"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "rules.py").write_text(
        "def react():\n    from sasaran.automations.models import Rule\n    return Rule\n"
    )
    (fake / "views.py").write_text("from sasaran.web.pages import actor_page\n")
    (fake / "hooks.py").write_text("from ..notifications import inbox\n")
    (fake / "late.py").write_text(
        "import importlib\n\ndef work():\n    return importlib.import_module('sasaran.work')\n"
    )
    (fake / "same.py").write_text("from . import rules\nfrom .views import actor_page\n")
    assert violations("okrs", tmp_path) == [
        "okrs/hooks.py imports sasaran.notifications",
        "okrs/late.py imports sasaran.work",
        "okrs/rules.py imports sasaran.automations.models",
    ]
