"""The demo library that `make run` loads: ``demo_load()`` is idempotent.

The whole demo is written in one transaction. When the demo member (card
:data:`~kaft.demo.people.DEMO_CARD`) exists, the demo is complete and nothing is written:
a second run neither duplicates nor wipes anything, also not what was changed since. (A demo
loaded before the self-service kiosks came gets those once: :mod:`kaft.demo.kiosks`; so does
one from before interlibrary loan: :mod:`kaft.demo.interlibrary`; and one from before
outreach: :mod:`kaft.demo.outreach`.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kaft.demo.kiosks import ADMINISTRATOR, KIOSK_PASSWORD, KIOSK_PIN, kiosk_login
from kaft.demo.library import (
    DESK_STAFF,
    FINANCE_STAFF,
    PRIVACY_OFFICER,
    SECOND_PRIVACY_OFFICER,
)
from kaft.demo.people import DEMO_CARD, DEMO_PASSWORD
from kaft.members.models import Member

__all__ = [
    "ADMINISTRATOR",
    "DEMO_CARD",
    "DEMO_PASSWORD",
    "DESK_STAFF",
    "FINANCE_STAFF",
    "PRIVACY_OFFICER",
    "SECOND_PRIVACY_OFFICER",
    "banner",
    "demo_load",
]


@dataclass(frozen=True)
class DemoResult:
    loaded: bool  # False: the demo was there already and nothing was written


def demo_is_loaded() -> bool:
    return Member.objects.filter(card_number=DEMO_CARD).exists()


def demo_load() -> DemoResult:
    """Load the demo library into the configured database unless it is there already."""
    from kaft.billing.services.fines import fines_update
    from kaft.demo import (
        activity,
        catalogue,
        interlibrary,
        kiosks,
        library,
        outreach,
        partners,
        people,
    )
    from kaft.members.services.member import member_block

    with transaction.atomic():
        if demo_is_loaded():
            kiosks.kiosks_ensure()  # a demo from before the kiosks: they are added, once
            partners.ebook_client_ensure()  # and the e-book platform's sign-in client, once
            interlibrary.interlibrary_add_to_older_demo()  # and interlibrary loan, once
            outreach.outreach_add_to_older_demo()  # and newsletters, contests, panel, once
            return DemoResult(loaded=False)
        now = timezone.now()
        branches = library.branches_ensure()
        adult, youth = library.categories_ensure()
        library.loan_rules_ensure(youth=youth)
        desk = library.staff_ensure(DESK_STAFF, branches[0])
        library.staff_ensure(PRIVACY_OFFICER, branches[0])
        library.staff_ensure(SECOND_PRIVACY_OFFICER, branches[0])
        finance = library.staff_ensure(FINANCE_STAFF, branches[0])
        catalogue.catalogue_ensure(branches)
        members = people.members_ensure(
            branches=branches, adult=adult, youth=youth, today=timezone.localdate(now)
        )
        activity.loans_ensure(members=members, branches=branches, staff=desk, now=now)
        activity.holds_ensure(members=members, branches=branches, staff=desk, now=now)
        fines_update(now=now)  # overdue loans show their late fee so far
        member_block(member=members.blocked, reason=people.BLOCK_REASON)
        partners.partners_ensure()
        partners.ebook_client_ensure(member=members.demo)
        from kaft.demo import privacy

        privacy.retention_examples_ensure(members=members, staff=desk, now=now)
        from kaft.demo import money

        money.money_ensure(members=members, branches=branches, desk=desk, finance=finance, now=now)
        from kaft.demo import dunning

        dunning.dunning_ensure(members=members, branches=branches, staff=desk, now=now)
        interlibrary.interlibrary_ensure(branches=branches, staff=desk, now=now)
        outreach.outreach_ensure(members=outreach.demo_members(), staff=desk, now=now)
        kiosks.kiosks_ensure()
    return DemoResult(loaded=True)


def banner(base_url: str, sip2_address: str = "127.0.0.1:6001") -> str:
    """The URLs and demo logins, as `make run` prints them; ``sip2_address`` is where the SIP2
    server listens (host:port)."""
    base = base_url.rstrip("/")
    rows = (
        ("desk staff", f"{DESK_STAFF.username} / {DESK_STAFF.password}"),
        (
            "privacy officer",
            f"{PRIVACY_OFFICER.username} / {PRIVACY_OFFICER.password}"
            " (then a code from an authenticator app, set up at the first login)",
        ),
        (
            "second officer",
            f"{SECOND_PRIVACY_OFFICER.username} / {SECOND_PRIVACY_OFFICER.password}"
            " (decides police requests the first one registered: four eyes)",
        ),
        (
            "finance",
            f"{FINANCE_STAFF.username} / {FINANCE_STAFF.password}"
            " (cash report, payments and waivers)",
        ),
        (
            "administrator",
            f"{ADMINISTRATOR.username} / {ADMINISTRATOR.password}"
            " (kiosk accounts; a code from an authenticator app, as for the officer)",
        ),
        ("member", f"card {DEMO_CARD} / {DEMO_PASSWORD} (kiosk PIN {KIOSK_PIN})"),
        (
            "kiosk (SIP2)",
            f"{kiosk_login('centrale')} / {KIOSK_PASSWORD} at {sip2_address}"
            " (also kiosk-noord, kiosk-zuid)",
        ),
    )
    lines = [
        "",
        "Kaft is ready with the demo library.",
        "",
        f"  catalogue and MijnBibliotheek  {base}/",
        f"  member login                   {base}/inloggen/",
        f"  desk (staff)                   {base}/desk/",
        "",
        *(f"  {who:<16} {login}" for who, login in rows),
        "",
    ]
    return "\n".join(lines)
