"""``kaft erase-again <id> …``: after restoring a backup, erase again the members that were erased
after the backup was made. Their ids are in the application log (``member <id> erased``). They
were erased before, so nothing is checked that could stand in the way, and no second goodbye
e-mail is sent. Safe to run twice: an id already erased is reported and left alone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kaft.members.models import Member
from kaft.privacy.errors import PrivacyError
from kaft.privacy.services.erasure import member_erase


class Command(BaseCommand):
    help = "Erase again members a restored backup brought back (ids from the erasure log lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("member_ids", nargs="+", type=int, metavar="id")

    def handle(self, *args: Any, **options: Any) -> None:
        erased = 0
        for member_id in options["member_ids"]:
            member = Member.objects.filter(pk=member_id).first()
            if member is None:
                self.stdout.write(f"{member_id}\tno such member")
                continue
            try:
                member_erase(member=member, repeat=True)
            except PrivacyError as refused:
                self.stdout.write(f"{member_id}\t{refused.code}")
                continue
            erased += 1
            self.stdout.write(f"{member_id}\terased")
        self.stdout.write(f"{erased} member(s) erased again")
