"""The `kaft` console command: Django's management commands under one name.

    kaft import-marc FILE... [--branch ISIL] [--items N]
    kaft demo
    kaft migrate

Dashes and underscores are interchangeable in the command name.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaft.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "kaft"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
