"""`sasaran token create EMAIL`: print a new API token (and nothing else) on stdout."""

from django.core.management.base import BaseCommand, CommandError

from sasaran.accounts.actions import create_token
from sasaran.accounts.models import User
from sasaran.accounts.queries import actor_for
from sasaran.errors import ActionError


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a member and print it.")
        create.add_argument("email")
        create.add_argument("--name", default="cli")

    def handle(self, *args, action, email, name, **options):
        user = User.objects.filter(email=email.strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.", returncode=2)
        try:
            _, raw = create_token(actor_for(user), name=name)
        except ActionError as exc:
            raise CommandError(exc.message, returncode=2) from None
        self.stdout.write(raw)
