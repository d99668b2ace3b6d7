"""``kaft api-client add NAME --scopes … [--partner …] [--redirect-uri …]``: register a client
of the REST API and print its client id and secret (once; only a hash is kept).
``kaft api-client list`` shows the clients."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaft.api.clients import api_client_add
from kaft.api.models import ApiClient, Scope
from kaft.privacy.models import Partner


class Command(BaseCommand):
    help = "Register or list clients of the REST API (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Register a client and print its id and secret.")
        add.add_argument("name")
        add.add_argument(
            "--scopes", nargs="+", required=True, choices=Scope.values, metavar="SCOPE"
        )
        add.add_argument("--partner", help="The partner organisation's name (privacy register).")
        add.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="A member's app: where the consent page sends the member back (repeatable).",
        )
        add.add_argument(
            "--public", action="store_true", help="An app that keeps no secret (PKCE only)."
        )
        add.add_argument("--rate", type=int, help="Requests per minute (default: the library's).")
        actions.add_parser("list", help="The registered clients.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for client in ApiClient.objects.select_related("application", "partner"):
                partner_name = client.partner.name if client.partner else "-"
                self.stdout.write(
                    f"{client.application.client_id}  {client.application.name}  "
                    f"{' '.join(client.scopes)}  partner: {partner_name}"
                )
            return
        partner: Partner | None = None
        if options["partner"]:
            partner = Partner.objects.filter(name=options["partner"]).first()
            if partner is None:
                raise CommandError(f"no partner organisation named {options['partner']!r}")
        try:
            new = api_client_add(
                name=options["name"],
                scopes=options["scopes"],
                redirect_uris=options["redirect_uri"],
                partner=partner,
                public=options["public"],
                rate_per_minute=options["rate"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"client_id:     {new.client_id}")
        if new.client_secret:
            self.stdout.write(f"client_secret: {new.client_secret}")
            self.stdout.write("Keep the secret now: Kaft keeps only a hash of it.")
