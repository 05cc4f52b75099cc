"""`sasaran checkin KR_ID --value V --confidence C [--note ...]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from sasaran.accounts.models import User
from sasaran.accounts.queries import actor_for
from sasaran.errors import ActionError
from sasaran.okrs.actions import create_checkin
from sasaran.okrs.models import KeyResult


class Command(BaseCommand):
    help = "Check in on a key result (as its owner unless --as names someone)."

    def add_arguments(self, parser):
        parser.add_argument("kr_id", type=int)
        parser.add_argument("--value", help="New value (true/false for yes/no key results).")
        parser.add_argument("--confidence", type=int, required=True, help="1 (low) to 5 (high).")
        parser.add_argument("--note", default="", help="What moved (progress).")
        parser.add_argument("--wins", default="")
        parser.add_argument("--blockers", default="")
        parser.add_argument("--at", default=None, help="Back-date: ISO date-time with time zone.")
        parser.add_argument(
            "--milestones-done",
            default=None,
            help="Comma-separated milestone ids (milestone key results).",
        )
        parser.add_argument("--as", dest="as_email", default=None, help="Author's email.")
        parser.add_argument(
            "--confirm-out-of-range",
            action="store_true",
            help="Save a value far outside the key result's range (else refused).",
        )

    def handle(
        self,
        *args,
        kr_id,
        value,
        confidence,
        note,
        wins,
        blockers,
        at,
        milestones_done,
        as_email,
        confirm_out_of_range=False,
        **options,
    ):
        kr = KeyResult.objects.select_related("objective", "owner").filter(pk=kr_id).first()
        if kr is None:
            raise CommandError(f"No key result with id {kr_id}.", returncode=2)
        if as_email:
            user = User.objects.filter(email=as_email.strip().lower()).first()
            if user is None:
                raise CommandError(f"No user with the email {as_email}.", returncode=2)
        elif kr.owner is None:
            raise CommandError(
                "The key result has no owner; say who checks in with --as.", returncode=2
            )
        else:
            user = kr.owner
        parsed_value = _parse_value(value)
        when = None
        if at:
            when = parse_datetime(at)
            if when is None:
                raise CommandError(f"--at is not an ISO date-time: {at!r}", returncode=2)
        done = None
        if milestones_done is not None:
            try:
                done = [int(x) for x in milestones_done.split(",") if x.strip()]
            except ValueError:
                raise CommandError(
                    "--milestones-done takes ids such as 3,4,7", returncode=2
                ) from None
        try:
            checkin = create_checkin(
                actor_for(user, kr.objective.workspace_id),
                kr_id,
                value=parsed_value,
                confidence=confidence,
                progress_note=note,
                wins=wins,
                blockers=blockers,
                checked_in_at=when,
                milestones_done=done,
                confirm_out_of_range=confirm_out_of_range,
            )
        except ActionError as exc:
            raise CommandError(exc.message, returncode=2) from None
        kr.refresh_from_db()
        progress = "unknown" if kr.progress is None else f"{kr.progress:.0%}"
        status = (kr.status or "no status").replace("_", " ")
        self.stdout.write(
            f"Checked in #{checkin.pk}: {kr.title} = {checkin.value:g} "
            f"(progress {progress}, {status})"
        )


def _parse_value(value: str | None):
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "done"):
        return True
    if lowered in ("false", "no"):
        return False
    try:
        return float(value)
    except ValueError:
        raise CommandError(
            f"--value must be a number or true/false, got {value!r}", returncode=2
        ) from None
