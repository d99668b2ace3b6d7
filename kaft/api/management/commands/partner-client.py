"""``kaft partner-client add PARTNER --redirect-uri … [--claim …] [--sector …] [--public]``:
register a partner service's OpenID Connect client and print its client id and secret (once;
only a hash is kept). ``kaft partner-client list`` shows them (docs/partners.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaft.api.partner_clients import partner_client_add
from kaft.privacy.models import Partner, PartnerClient
from kaft.privacy.models.partner_clients import SCOPE_OF_CLAIM


class Command(BaseCommand):
    help = "Register or list partner services members sign in to (docs/partners.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Register a partner's client; print id and secret.")
        add.add_argument("partner", help="The partner organisation's name (privacy register).")
        add.add_argument(
            "--redirect-uri", action="append", required=True, help="Where members return."
        )
        add.add_argument(
            "--claim",
            action="append",
            default=[],
            choices=list(SCOPE_OF_CLAIM),
            help="An optional claim beyond the defaults (repeatable); the member must agree.",
        )
        add.add_argument("--sector", default="", help="Sector identifier (default: the host).")
        add.add_argument("--public", action="store_true", help="No secret (PKCE only).")
        actions.add_parser("list", help="The registered partner clients.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for client in PartnerClient.objects.select_related("application", "partner"):
                claims = " ".join(client.claims) or "-"
                self.stdout.write(
                    f"{client.application.client_id}  {client.partner.name}  "
                    f"sector: {client.sector_identifier}  extra claims: {claims}"
                )
            return
        partner = Partner.objects.filter(name=options["partner"]).first()
        if partner is None:
            raise CommandError(f"no partner organisation named {options['partner']!r}")
        try:
            new = partner_client_add(
                partner=partner,
                redirect_uris=options["redirect_uri"],
                claims=options["claim"],
                sector_identifier=options["sector"],
                public=options["public"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"client_id:     {new.client_id}")
        if new.client_secret:
            self.stdout.write(f"client_secret: {new.client_secret}")
            self.stdout.write("Keep the secret now: Kaft keeps only a hash of it.")
