"""`sasaran worker`: runs scheduled jobs, outbox deliveries and queued tasks until stopped."""

import signal
import time

from django.core.management.base import BaseCommand

from sasaran.scheduler import worker


class Command(BaseCommand):
    help = "Run the background worker (scheduled jobs, event deliveries, queued tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between polls.")
        parser.add_argument("--once", action="store_true", help="Do what is due, then exit.")

    def handle(self, *args, interval, once, **options):
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Sasaran worker started.")
        name = worker.worker_name()
        while running:
            try:
                worker.run_queued_tasks()
            except Exception:
                worker.log.exception("queued tasks failed")
            while running and worker.process_safely(worker=name):
                pass
            if once:
                break
            time.sleep(interval)
