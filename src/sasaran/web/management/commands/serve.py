"""`sasaran serve`: the production web server (gunicorn), with static files from whitenoise."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Sasaran over HTTP with gunicorn (HOST and PORT override 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument("--no-migrate", action="store_true", help="Skip applying migrations.")

    def handle(self, *args, host, port, workers, no_migrate, **options):
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"PORT must be a number from 1 to 65535, got {port!r}", returncode=2)
        if workers < 1:
            raise CommandError("WEB_CONCURRENCY must be at least 1", returncode=2)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        from sasaran.wsgi import application

        class App(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("accesslog", "-")
                self.cfg.set("timeout", 60)
                # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn): two
                # Sasarans on one machine would fight over it, and nothing here uses it.
                self.cfg.set("control_socket_disable", True)

            def load(self):
                return application

        self.stdout.write(f"Sasaran on http://{host}:{port}/")
        App().run()
