"""`sasaran recompute`: rebuild every derived value (progress, status, forecast) from history."""

from django.core.management.base import BaseCommand
from django.db import transaction

from sasaran.accounts.models import Workspace
from sasaran.okrs.rollup import recompute_workspace


class Command(BaseCommand):
    help = "Recompute progress, attainment, status and forecasts of every OKR from check-ins."

    def handle(self, *args, **options):
        for workspace in Workspace.objects.all():
            with transaction.atomic():
                counts = recompute_workspace(workspace)
            self.stdout.write(
                f"{workspace.name}: {counts['key_results']} key results, "
                f"{counts['objectives']} objectives recomputed."
            )
