"""Online sign-ups for the tests: ``signed_up`` joins as the portal's form does and returns the
member with the token of the link sent to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaft.catalog.models import Branch
from kaft.members.models import Member
from kaft.members.services.member import AddressInput
from kaft.members.services.signup import signup_create

SIGNUP_PASSWORD = "een lange zin als wachtwoord"


def signed_up(
    branch: Branch,
    *,
    email: str = "noor.bakker@example.org",
    date_of_birth: dt.date = dt.date(1990, 3, 14),
    client: str = "192.0.2.10",
    now: dt.datetime | None = None,
    **extra: Any,
) -> tuple[Member, str]:
    """A person who joined online (nothing confirmed yet), and the token of their link."""
    tokens: list[str] = []

    def link_for(token: str) -> str:
        tokens.append(token)
        return f"https://bibliotheek.example.org/lid-worden/bevestigen/?t={token}"

    member = signup_create(
        first_name=extra.pop("first_name", "Noor"),
        name_prefix=extra.pop("name_prefix", ""),
        last_name=extra.pop("last_name", "Bakker"),
        date_of_birth=date_of_birth,
        email=email,
        password=extra.pop("password", SIGNUP_PASSWORD),
        home_address=AddressInput("Lindelaan", "8", "3521 AB", "Utrecht"),
        home_branch=branch,
        link_for=link_for,
        client=client,
        now=now,
        **extra,
    )
    return member, tokens[0]
