"""`sasaran events`: the outbox at a glance (deliveries by consumer and state); `--retry` puts
the deliveries that were given up on back in the queue."""

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from sasaran.events.bus import durable_consumers
from sasaran.events.models import Delivery, DeliveryState


class Command(BaseCommand):
    help = "Show outbox deliveries by consumer and state; --retry re-queues the failed ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry", action="store_true", help="Deliver the failed deliveries again."
        )

    def handle(self, *args, retry, **options):
        if retry:
            count = Delivery.objects.filter(state=DeliveryState.FAILED).update(
                state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now()
            )
            self.stdout.write(f"{count} failed deliveries queued again.")
        rows = (
            Delivery.objects.values("consumer", "state")
            .annotate(n=Count("id"))
            .order_by("consumer", "state")
        )
        if not rows:
            consumers = ", ".join(durable_consumers()) or "none"
            self.stdout.write(
                f"No deliveries yet: nothing has happened that a durable consumer waits for "
                f"(durable consumers: {consumers})."
            )
        for row in rows:
            self.stdout.write(f"{row['consumer']}\t{row['state']}\t{row['n']}")
        for failed in Delivery.objects.filter(state=DeliveryState.FAILED).order_by("id")[:20]:
            self.stdout.write(f"failed #{failed.pk} {failed.consumer}: {failed.last_error}")
