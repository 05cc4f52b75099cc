"""`sasaran demo [--reset] [--if-empty] [--language en|id]`: load the demo workspace and print
its sign-ins."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sasaran.accounts.models import Workspace
from sasaran.errors import ActionError
from sasaran.okrs.demo import (
    LANGUAGES,
    demo_language,
    demo_workspace,
    fixture,
    load_demo,
    summary,
)


class Command(BaseCommand):
    help = (
        "Load the demo workspace “Sasaran Demo”: a SaaS company's teams, people and OKRs with "
        "last quarter graded, this quarter's weekly check-ins and next quarter in planning."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo workspace first, then load it."
        )
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default=None,
            help="The language of the demo's OKR texts: en, or id for the seed's Indonesian "
            "originals (default: the language of LANGUAGE_CODE).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database holds no workspace at all (otherwise skip).",
        )

    def handle(self, *args, reset, if_empty, language=None, **options):
        if reset and if_empty:
            raise CommandError("Use either --reset or --if-empty, not both.", returncode=2)
        if if_empty and Workspace.objects.exists():
            self.stdout.write("The database already holds a workspace: skipped loading the demo.")
            return
        if not reset and demo_workspace() is not None:
            raise CommandError(
                'A demo workspace (slug "demo") already exists. '
                "Run `sasaran demo --reset` to delete it and load it again.",
                returncode=2,
            )
        now = timezone.now()
        started = time.perf_counter()
        try:
            counts = load_demo(
                reset=reset, now=now, language=language or demo_language(settings.LANGUAGE_CODE)
            )
        except ActionError as exc:
            raise CommandError(exc.message, returncode=2) from None
        seconds = time.perf_counter() - started
        self._report(counts, seconds, now)

    def _report(self, counts: dict[str, int], seconds: float, now) -> None:
        data = fixture()
        workspace = demo_workspace()
        out = self.stdout.write
        out(
            f"Loaded “{data['workspace']['name']}” in {seconds:.1f} s: "
            f"{counts['members']} members, {counts['teams']} teams, {counts['cycles']} cycles, "
            f"{counts['objectives']} objectives, {counts['key_results']} key results, "
            f"{counts['check_ins']} check-ins."
        )
        info = summary(workspace, now)
        if info["cycle"]:
            status = info["status"]
            mix = ", ".join(
                f"{status.get(s, 0)} {s.replace('_', ' ')}"
                for s in ("on_track", "at_risk", "off_track", "done")
            )
            out(
                f"Active cycle {info['cycle']}: {info['key_results']} key results ({mix}); "
                f"{info['stale']} stale."
            )
        out("")
        out(f"Sign in at {settings.SITE_URL}/ as any of (password: {data['password']}):")
        width = max(len(p["email"]) for p in data["people"])
        for person in data["people"]:
            out(
                f"  {person['email']:<{width}}  {person['role']:<6}  "
                f"{person['name']}, {person['title']}"
            )
