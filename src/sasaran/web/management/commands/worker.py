"""`sasaran worker`: runs queued tasks and periodic jobs until stopped."""

import signal
import time

from django.core.management.base import BaseCommand

from sasaran.web import worker


class Command(BaseCommand):
    help = "Run the background worker (queued tasks and periodic jobs)."

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
        while running:
            worker.run_queued_tasks()
            while running and worker.process_one():
                pass
            if once:
                break
            time.sleep(interval)
