"""The `sasaran` command: Django's management commands plus ours; with no arguments, `serve`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sasaran.settings")
    args = list(sys.argv if argv is None else ["sasaran", *argv])
    if len(args) == 1:
        args.append("serve")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
