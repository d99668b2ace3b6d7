"""The demo's self-service kiosks: one kiosk account per branch, and a kiosk PIN for the demo
members, so a SIP2 client (or a real kiosk) can try lending and returning at once; and an
administrator, who manages the kiosk accounts at the desk.

A demo loaded before the kiosks existed gets them at the next ``kaft demo``, once: this part
writes only when none of its kiosk accounts is there yet.
"""

from __future__ import annotations

from kaft.catalog.models import Branch
from kaft.demo.library import BRANCHES, DemoStaff, staff_ensure
from kaft.demo.people import BLOCKED_CARD, DEMO_CARD, EXPIRED_CARD, YOUTH_CARD
from kaft.members.models import Member, StaffRole
from kaft.members.services.kiosk_pin import member_kiosk_pin_set
from kaft.sip2.accounts import kiosk_account_add
from kaft.sip2.models import KioskAccount

KIOSK_PASSWORD = "kiosk-demo-2026"
KIOSK_PIN = "1234"
# The demo member, and the members a kiosk should refuse or treat otherwise (youth, blocked,
# expired), all with the same PIN.
PIN_CARDS = (DEMO_CARD, YOUTH_CARD, BLOCKED_CARD, EXPIRED_CARD)
ADMINISTRATOR = DemoStaff("beheer", "beheer-demo-2026", StaffRole.ADMINISTRATOR, "Applicatiebeheer")


def kiosk_login(branch_code: str) -> str:
    return f"kiosk-{branch_code}"


KIOSK_LOGINS = tuple(kiosk_login(branch.code) for branch in BRANCHES)


def kiosks_ensure() -> bool:
    """Add the demo kiosks, PINs and administrator unless a demo kiosk account exists; whether
    anything was written. Call inside the demo's transaction, after branches and members."""
    if KioskAccount.objects.filter(login__in=KIOSK_LOGINS).exists():
        return False
    branches = {branch.code: branch for branch in Branch.objects.all()}
    for demo in BRANCHES:
        branch = branches.get(demo.code)
        if branch is None:
            continue
        kiosk_account_add(
            login=kiosk_login(demo.code),
            password=KIOSK_PASSWORD,
            branch=branch,
            name=f"Zelfbediening {demo.name}",
        )
    for member in Member.objects.filter(card_number__in=PIN_CARDS):
        member_kiosk_pin_set(member=member, pin=KIOSK_PIN, staff=None)
    if BRANCHES[0].code in branches:
        staff_ensure(ADMINISTRATOR, branches[BRANCHES[0].code])
    return True
