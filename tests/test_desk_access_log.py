"""Every desk screen that shows a member's data writes the access log; the others show none.

The screens are not listed by hand: every URL pattern under the ``desk`` namespace is found in
the project's URL configuration, and each must be either in ``LOOKS`` (with the parts of the
member's data it shows) or in ``NO_MEMBER_DATA``. A new desk screen that is in neither, or that
takes an argument this test cannot fill, fails here until it is added, so no screen can skip
the log by being forgotten.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from kaft.catalog.models import Branch
from kaft.circulation.models import Hold, HoldStatus, Loan, Transfer, TransferStatus
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.members.models import (
    Address,
    AddressKind,
    Channel,
    Member,
    MemberStatus,
    MessageType,
    User,
)
from kaft.notices.models import Notice
from kaft.notices.services.letters import print_run_build, print_run_start
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart
from tests.factories import (
    BranchFactory,
    MemberCategoryFactory,
    MemberFactory,
    StaffFactory,
    a_closed_day_id,
    a_library_partner_id,
    a_loan_rule_id,
    an_interlibrary_request_id,
    stocktake_with_scan,
)
from tests.factories_contests import a_campaign_with_entry_id, drawn_first
from tests.factories_desk import JSON, make_item
from tests.factories_newsletter_issues import a_newsletter_image_id, a_newsletter_issue_id
from tests.factories_panel import a_panel_question_id, a_panel_survey_id
from tests.factories_sepa import TEST_FILES, collected_run, creditor, files_storage_in
from tests.factories_transparency import a_partner_sign_in_id
from tests.urlwalk import routes


def desk_patterns() -> dict[str, tuple[str, ...]]:
    """``"desk:<name>"`` -> the names of its arguments, for every pattern in the namespace."""
    found: dict[str, tuple[str, ...]] = {}
    for route in routes():
        if route.door == "desk":
            assert route.url_name, f"a desk URL pattern without a name: {route.route}"
            found[route.name] = route.arguments
    return found


@dataclass
class Scene:
    """A member with a loan, a reservation on the holds shelf, one in transit and one whose copy
    is about to be returned; a member of staff at the central branch."""

    staff: User
    central: Branch
    member: Member
    loan: Loan
    client: Client

    def serve(self) -> None:
        """The lending screen serves the member (as after scanning the card)."""
        session = self.client.session
        session["desk_member_id"] = self.member.pk
        session.save()


@pytest.fixture
def scene(db: None) -> Scene:
    central = cast(Branch, BranchFactory(code="centrale", name="Centrale Bibliotheek"))
    west = cast(Branch, BranchFactory(code="west", name="Vestiging West"))
    staff = cast(User, StaffFactory(username="balie1", profile__branch=central))
    member = cast(
        Member,
        MemberFactory(
            card_number="21000000000042",
            first_name="Wilhelmina",
            last_name="Kortenhoeven",
            email="w.kortenhoeven@example.org",
            category=MemberCategoryFactory(code="adult", name="Volwassene"),
            home_branch=central,
        ),
    )
    lent = make_item(central, "30000000000001", "De avonden")
    loan = loan_checkout(item=lent, member=member, staff=staff, branch=central)
    on_shelf = make_item(central, "30000000000002", "Max Havelaar")
    hold_place(record=on_shelf.record, member=member, pickup_branch=central, staff=None)
    loan_checkin(item=on_shelf, branch=central, staff=staff)
    travelling = make_item(central, "30000000000003", "Turks fruit")
    hold_place(record=travelling.record, member=member, pickup_branch=west, staff=None)
    loan_checkin(item=travelling, branch=central, staff=staff)
    coming_back = make_item(central, "30000000000004", "Het achterhuis")
    hold_place(record=coming_back.record, member=member, pickup_branch=central, staff=None)
    client = Client()
    client.force_login(staff)
    return Scene(staff=staff, central=central, member=member, loan=loan, client=client)


# How to fill each argument a desk URL pattern may take.
FILL: dict[str, Callable[[Scene], int | str]] = {
    "member_id": lambda scene: scene.member.pk,
    # the copy on loan to the member (De avonden), and its title
    "barcode": lambda scene: scene.loan.item.barcode,
    "record_id": lambda scene: scene.loan.item.record_id,
    # a stocktake of the central branch that scanned the copy on loan to the member
    "stocktake_id": lambda scene: stocktake_with_scan(scene.central, scene.loan.item.barcode),
    # a book a partner library lent to the member (interlibrary loan), and that library
    "ill_request_id": lambda scene: an_interlibrary_request_id(scene.member, scene.central),
    "library_partner_id": lambda scene: a_library_partner_id(),
    # the member's sign-in to a partner service (OpenID Connect), with its tokens
    "sign_in_id": lambda scene: a_partner_sign_in_id(scene.member),
    "rule_id": lambda scene: a_loan_rule_id(),
    "closed_day_id": lambda scene: a_closed_day_id(scene.central),
    "category_id": lambda scene: scene.member.category_id,
    "template": lambda scene: "reminder",
    "channel": lambda scene: "letter",
    "language": lambda scene: "en",
    "loan_id": lambda scene: scene.loan.pk,
    "legal_request_id": lambda scene: transparency_legal_request(scene),
    "partner_id": lambda scene: transparency_partner(scene),
    # the reservation on the holds shelf of the central branch (Max Havelaar)
    "hold_id": lambda scene: Hold.objects.get(member=scene.member, status=HoldStatus.READY).pk,
    # the copy travelling from the central branch to a pickup elsewhere (Turks fruit)
    "item_id": lambda scene: Transfer.objects.get(status=TransferStatus.IN_TRANSIT).item_id,
    # a damage charge of the member (€ 4.00), and a payment of € 1.00 on it
    "charge_id": lambda scene: member_charge(scene).pk,
    "payment_id": lambda scene: member_payment(scene).pk,
    # a direct-debit run that collected the member's membership fee
    "run_id": lambda scene: collected_run(scene.member),
    # a kiosk account of the central branch
    "kiosk_id": lambda scene: kiosk_of(scene),
    # an open contest the member entered from MijnBibliotheek
    "campaign_id": lambda scene: a_campaign_with_entry_id(scene.member),
    # a draft survey of the research panel (Biebpanel) and its question
    "survey_id": lambda scene: a_panel_survey_id(),
    "question_id": lambda scene: a_panel_question_id(),
    # a sent newsletter issue and its image (no member in either)
    "newsletter_issue_id": lambda scene: a_newsletter_issue_id(),
    "newsletter_image_id": lambda scene: a_newsletter_image_id(),
    # a table of the staff statistics page (counts per month and branch)
    "table": lambda scene: "loans",
}


def kiosk_of(scene: Scene) -> int:
    from kaft.sip2.accounts import kiosk_account_add

    return kiosk_account_add(
        login="kiosk-centrale", password="kiosk-centrale-2026", branch=scene.central
    ).pk


def as_administrator(then: Request) -> Request:
    """``then``, by an administrator of the same branch (past the second factor)."""

    def send(scene: Scene, url: str) -> Any:
        from tests.factories_desk import staff_login
        from tests.factories_security import staff_with_role

        admin = staff_with_role("administrator", branch=scene.central)
        return then(
            Scene(admin, scene.central, scene.member, scene.loan, staff_login(Client(), admin)),
            url,
        )

    return send


def member_charge(scene: Scene) -> Any:
    from kaft.billing.models import Charge, ChargeKind
    from kaft.billing.services.charges import charge_create

    found = Charge.objects.filter(member=scene.member).first()
    if found is not None:
        return found
    return charge_create(member=scene.member, kind=ChargeKind.DAMAGE, amount=Decimal("4.00"))


def member_payment(scene: Scene) -> Any:
    from kaft.billing.models import PaymentMethod
    from kaft.billing.services.payments import payment_take

    member_charge(scene)
    return payment_take(
        member=scene.member, amount=Decimal("1.00"), method=PaymentMethod.CASH, branch=scene.central
    )


def may_waive(then: Request) -> Request:
    """``then``, by the scene's staff member given the permission to waive charges (desk staff
    may not by default; the privacy officer of the officer test is given it too)."""

    def send(scene: Scene, url: str) -> Any:
        from django.contrib.auth.models import Permission

        scene.staff.user_permissions.add(Permission.objects.get(codename="waive_charge"))
        return then(scene, url)

    return send


def owing(then: Request) -> Request:
    """``then``, with the member owing € 4.00 (so a payment is taken and its receipt shown)."""

    def send(scene: Scene, url: str) -> Any:
        member_charge(scene)
        return then(scene, url)

    return send


Request = Callable[[Scene, str], Any]


def get(data: dict[str, str] | None = None) -> Request:
    return lambda scene, url: scene.client.get(url, data or {})


def post(data: dict[str, str] | None = None, *, json: bool = False) -> Request:
    def send(scene: Scene, url: str) -> Any:
        headers = JSON if json else {}
        return scene.client.post(url, data or {}, headers=headers, follow=not json)

    return send


def served(then: Request) -> Request:
    """``then``, with the member served at the lending screen."""

    def send(scene: Scene, url: str) -> Any:
        scene.serve()
        return then(scene, url)

    return send


def from_the_lending_page() -> Request:
    """A renewal as the lending page posts it: with the id of the member the page shows."""

    def send(scene: Scene, url: str) -> Any:
        return scene.client.post(url, {"member": str(scene.member.pk)}, headers=JSON)

    return send


def handed_over() -> Request:
    """A copy still on loan to another member, taken in and lent to the member served."""

    def send(scene: Scene, url: str) -> Any:
        other = cast(Member, MemberFactory(card_number="21000000000099", home_branch=scene.central))
        copy = make_item(scene.central, "30000000000005", "Een schitterend gebrek")
        loan_checkout(item=copy, member=other, staff=scene.staff, branch=scene.central)
        AccessLogEntry.objects.all().delete()
        data = {"member": str(scene.member.pk), "barcode": copy.barcode}
        return scene.client.post(url, data, headers=JSON)

    return send


def lent_in_session(then: Request) -> Request:
    """``then``, with the member served and their loan lent in this session (a receipt)."""

    def send(scene: Scene, url: str) -> Any:
        scene.serve()
        session = scene.client.session
        row = {"value": "30000000000001", "title": "De avonden", "due": None, "error": ""}
        session["desk_checkout_rows"] = [row]
        session.save()
        return then(scene, url)

    return send


def blocked_first(then: Request) -> Request:
    def send(scene: Scene, url: str) -> Any:
        Member.objects.filter(pk=scene.member.pk).update(
            status=MemberStatus.BLOCKED, block_reason="Pas kwijt"
        )
        return then(scene, url)

    return send


def as_privacy_officer(then: Request) -> Request:
    """``then``, by a privacy officer of the same branch (past the second factor)."""

    def send(scene: Scene, url: str) -> Any:
        from tests.factories_desk import staff_login
        from tests.factories_security import staff_with_role

        officer = staff_with_role("privacy_officer", branch=scene.central)
        return then(
            Scene(officer, scene.central, scene.member, scene.loan, staff_login(Client(), officer)),
            url,
        )

    return send


def print_run_of(scene: Scene) -> int:
    """A letter to the member, printed in a ready print run (the PDF in a temporary folder)."""
    Address.objects.get_or_create(
        member=scene.member,
        kind=AddressKind.HOME,
        defaults={
            "street": "Dorpsstraat",
            "house_number": "1",
            "postcode": "1234 AB",
            "city": "Ede",
        },
    )
    Notice.objects.create(
        member=scene.member,
        message_type=MessageType.HOLD_READY,
        channel=Channel.LETTER,
        dedup_key=f"letter-test-{scene.member.pk}",
        subject="Uw reservering ligt klaar",
        body="Beste lezer,\n",
    )
    run = print_run_start(staff=scene.staff)
    print_run_build(run_id=run.pk)
    return run.pk


def with_print_run(pdf: bool) -> Request:
    """The PDF of a ready print run (``pdf``), or confirming that run as printed."""

    def send(scene: Scene, url: str) -> Any:
        files = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="kaft-letters-")},
        }
        with override_settings(STORAGES={**settings.STORAGES, "files": files}):
            run_id = str(print_run_of(scene))
            if pdf:
                return scene.client.get(url, {"run": run_id})
            return scene.client.post(url, {"run": run_id}, follow=True)

    return send


def as_finance(then: Request) -> Request:
    """``then``, by the finance role of the same branch, with the test's SEPA files storage."""

    def send(scene: Scene, url: str) -> Any:
        from tests.factories_desk import staff_login
        from tests.factories_security import staff_with_role

        finance = staff_with_role("finance", branch=scene.central)
        scene.staff = finance
        scene.client = staff_login(Client(), finance)
        with creditor(), files_storage_in(TEST_FILES):
            return then(scene, url)

    return send


def with_ill_request(then: Request) -> Request:
    """``then``, with a book a partner library lent to the member on the interlibrary list."""

    def send(scene: Scene, url: str) -> Any:
        an_interlibrary_request_id(scene.member, scene.central)
        return then(scene, url)

    return send


def transparency_legal_request(scene: Scene) -> int:
    """A request from police for the member's loans, registered by a privacy officer."""
    from tests.factories_transparency import legal_request, officer

    return legal_request(scene.member, officer(scene.central, username="fg-registrar")).pk


def transparency_partner(scene: Scene) -> int:
    from tests.factories_transparency import PartnerFactory

    return int(PartnerFactory(name="Online Bibliotheek").pk)


def by_officer(then: Request, *, approved_first: bool = False) -> Request:
    """``then``, by a privacy officer (who did not register the request); the log is checked for
    that officer. ``approved_first``: a third officer approved the request before."""

    def send(scene: Scene, url: str) -> Any:
        from kaft.privacy.models import LegalRequest
        from kaft.privacy.services.legal import legal_request_decide
        from tests.factories_desk import staff_login
        from tests.factories_transparency import officer

        if approved_first:
            legal_request_decide(
                request=LegalRequest.objects.get(),
                staff=officer(scene.central, username="fg-approver"),
                approve=True,
                reason="Rechtsgeldig",
            )
            AccessLogEntry.objects.all().delete()
        scene.staff = officer(scene.central, username="fg-acting")
        scene.client = staff_login(Client(), scene.staff)
        return then(scene, url)

    return send


PANEL = [DataPart.IDENTITY, DataPart.STATUS, DataPart.LOANS, DataPart.HOLDS]
DETAIL = [DataPart.IDENTITY, DataPart.STATUS, DataPart.CONTACT, DataPart.LOANS, DataPart.HOLDS]

# Screens that show a member's data: how to ask for them, and the parts they must log.
LOOKS: dict[str, tuple[Request, list[DataPart]]] = {
    # interlibrary loan: the open requests name the members who asked; a request shows its member
    "desk:interlibrary": (with_ill_request(get()), [DataPart.HOLDS]),
    "desk:interlibrary_detail": (get(), [DataPart.HOLDS]),
    "desk:checkout": (served(get()), PANEL),
    "desk:scan": (post({"value": "21000000000042"}, json=True), PANEL),
    # after a renewal or a hand-over the whole panel is shown again, as it is now
    "desk:renew": (served(from_the_lending_page()), PANEL),
    "desk:renew_all": (served(from_the_lending_page()), PANEL),
    "desk:hand_over": (served(handed_over()), PANEL),
    # the copy goes onto the holds shelf: staff see whose reservation it is
    "desk:checkin_scan": (
        post({"value": "30000000000004"}, json=True),
        [
            DataPart.IDENTITY,
            DataPart.HOLDS,
        ],
    ),
    "desk:members": (get({"q": "Kortenhoeven"}), [DataPart.SEARCH]),
    "desk:member_detail": (get(), DETAIL),
    "desk:member_edit": (get(), [DataPart.IDENTITY, DataPart.STATUS, DataPart.CONTACT]),
    # a form post: the page staff then see is the member's detail page
    "desk:member_block": (post({"reason": "Pas gestolen"}), DETAIL),
    "desk:member_unblock": (blocked_first(post()), DETAIL),
    "desk:member_card": (post({"card_number": "21000000000777"}), DETAIL),
    # joining online: the ID check is a form post; staff then see the detail page
    "desk:member_identity_checked": (post({"document_type": "passport"}), DETAIL),
    # security: lost login (name and card; the e-mail address for sending the code)
    "desk:login_help": (get(), [DataPart.IDENTITY, DataPart.CONTACT]),
    # rights: deciding on a correction is a form post; staff then see the detail page
    "desk:correction_decide": (post({"decision": "refuse", "reason": "Geen ID"}), DETAIL),
    # notes (family area): the notes page, also after deleting one
    "desk:member_notes": (get(), [DataPart.IDENTITY, DataPart.NOTES]),
    "desk:member_note_delete": (post(), [DataPart.IDENTITY, DataPart.NOTES]),
    # parents and guardians: the member's name (and that of each linked member, none here)
    "desk:member_guardians": (get(), [DataPart.IDENTITY]),
    "desk:member_guardian_end": (post(), [DataPart.IDENTITY]),
    # consents: the member's consents and their history (a recorded answer returns there)
    "desk:member_consents": (get(), [DataPart.STATUS]),
    "desk:member_consent_set": (post(), [DataPart.STATUS]),
    # newsletter: the member's subscription (a consent); signing up or unsubscribing returns there
    "desk:member_newsletter": (get(), [DataPart.STATUS]),
    "desk:member_newsletter_subscribe": (post(), [DataPart.STATUS]),
    "desk:member_newsletter_unsubscribe": (post(), [DataPart.STATUS]),
    # interests: whether the member consents and the interests they chose (read-only)
    "desk:member_interests": (get(), [DataPart.STATUS]),
    # partner services: the services the member signs in to; ending one's access (a question
    # first, logged the same) returns to the list
    "desk:member_partner_services": (get(), [DataPart.STATUS]),
    # contests: the entries and the winners show the member's name and address (their entry)
    "desk:contest_entries": (get(), [DataPart.CONTACT]),
    "desk:contest_winners": (drawn_first(get()), [DataPart.CONTACT]),
    "desk:member_partner_access_end": (post(), [DataPart.STATUS]),
    # transparency: the export page names the member; a police request's page names the member;
    # deciding returns to that page; the download holds the scoped data (loans)
    "desk:member_export": (get(), [DataPart.IDENTITY]),
    "desk:legal_detail": (get(), [DataPart.IDENTITY]),
    "desk:legal_decide": (
        by_officer(post({"decision": "refuse", "reason": "Geen grondslag"})),
        [DataPart.IDENTITY],
    ),
    "desk:legal_download": (
        by_officer(get(), approved_first=True),
        [DataPart.IDENTITY, DataPart.LOANS],
    ),
    # receipts and slips: the receipt lists the loans of this session (card masked); the
    # holds-shelf slip gives initials and card digits; the transit slip as PDF shows nobody
    "desk:receipt": (lent_in_session(get()), [DataPart.LOANS]),
    "desk:receipt_pdf": (lent_in_session(get()), [DataPart.LOANS]),
    "desk:hold_slip": (get(), [DataPart.IDENTITY, DataPart.HOLDS]),
    "desk:hold_slip_pdf": (get(), [DataPart.IDENTITY, DataPart.HOLDS]),
    "desk:transit_slip_pdf": (get(), []),
    # letters: the print run's PDF holds the name and postal address of every member in it
    "desk:print_run_pdf": (with_print_run(pdf=True), [DataPart.IDENTITY, DataPart.CONTACT]),
    # payments: the payment screen names the member and shows their charges and payments; a
    # payment, a charge or a waiver posted returns there; a receipt shows what was paid (the
    # card masked)
    "desk:member_payments": (get(), [DataPart.IDENTITY, DataPart.PAYMENTS]),
    "desk:member_pay": (owing(post({"method": "cash"})), [DataPart.PAYMENTS]),
    "desk:member_charge_add": (
        post({"kind": "damage", "amount": "2,00", "note": "Kaft gescheurd"}),
        [DataPart.IDENTITY, DataPart.PAYMENTS],
    ),
    "desk:charge_waive": (
        may_waive(post({"reason": "Coulance"})),
        [DataPart.IDENTITY, DataPart.PAYMENTS],
    ),
    "desk:payment_receipt": (get(), [DataPart.PAYMENTS]),
    "desk:payment_receipt_pdf": (get(), [DataPart.PAYMENTS]),
    # the cash report as PDF (the screen and the CSV below, under no member data) names nobody
    "desk:cash_report_pdf": (as_finance(get()), []),
    # direct debit: the member's mandate (recording or withdrawing returns to it); the stored
    # file of a run holds the names and accounts of every member in it
    "desk:member_mandate": (get(), [DataPart.IDENTITY, DataPart.PAYMENTS]),
    "desk:member_mandate_end": (post(), [DataPart.IDENTITY, DataPart.PAYMENTS]),
    "desk:sepa_run_download": (as_finance(get()), [DataPart.IDENTITY, DataPart.PAYMENTS]),
    # kiosk PIN: the page names the member and says whether a PIN is set; removing it (a form
    # post) returns to the member's detail page
    "desk:member_kiosk_pin": (get(), [DataPart.IDENTITY]),
    "desk:member_kiosk_pin_remove": (post(), DETAIL),
}

# Screens that show no member data, and something each must show (so the check means something).
NO_MEMBER_DATA: dict[str, tuple[Request, str]] = {
    "desk:login": (get(), "Gebruikersnaam"),
    "desk:logout": (post(), "Gebruikersnaam"),
    "desk:branch": (get(), "Centrale Bibliotheek"),
    "desk:next_member": (served(post(json=True)), "Scan de pas"),
    "desk:checkin": (get(), "Scan"),
    "desk:member_new": (get(), "Nieuw lid inschrijven"),
    # the copy is on loan to the member: the lookup says so, not to whom
    "desk:items": (get({"q": "30000000000001"}), "De avonden"),
    # a copy's page (this one is on loan to the member): its history names staff, never borrowers
    "desk:copy": (get(), "De avonden"),
    "desk:copies_add": (get(), "Exemplaren toevoegen"),
    "desk:copies_bulk": (get(), "Een lijst exemplaren wijzigen"),
    "desk:copy_labels": (get(), "Etiketten printen"),
    # titles (the title of the copy on loan to the member): description, copies, MARC, history;
    # reservations only as a count
    "desk:record": (get(), "De avonden"),
    "desk:record_new": (get(), "Nieuwe titel"),
    "desk:record_edit": (get(), 'value="De avonden"'),
    "desk:record_marc": (get(), "$a De avonden"),
    "desk:record_merge": (get(), "Titels samenvoegen"),
    "desk:record_delete": (get(), "Titel verwijderen"),
    "desk:record_copy": (get(), "Overnemen via ISBN"),
    # a stocktake lists copies, never who has them
    "desk:stocktakes": (get(), "Inventarisatie"),
    "desk:stocktake": (get(), "Inventarisatie"),
    "desk:stocktake_scan": (post({"value": "30000000000001"}, json=True), "De avonden"),
    "desk:stocktake_result": (get(), "De avonden"),
    "desk:stocktake_act": (post({"action": "found"}), "Inventarisatie"),
    "desk:stocktake_csv": (get(), "De avonden"),
    # only the last four digits of the card, as on the shelf label
    "desk:holds_shelf": (get(), "…0042"),
    "desk:transit": (get(), "Turks fruit"),
    "desk:transit_slip": (get(), "Turks fruit"),
    # the copy a reservation of the member waits for: which copy, not whose reservation
    "desk:pull_list": (get(), "Het achterhuis"),
    # security: the second factor (enrolment for this desk user)
    "desk:otp": (get(), 'name="token"'),
    # retention: the rules, periods and runs (counts only)
    "desk:retention": (as_privacy_officer(get()), 'class="retention-rules"'),
    "desk:retention_run": (as_privacy_officer(post()), 'class="retention-rules"'),
    # rights: the lists of waiting corrections and erasures (none waiting here)
    "desk:corrections": (get(), "Correcties die wachten"),
    "desk:erasures": (get(), "Verzoeken om verwijdering"),
    # consent: the privacy statement versions (Kaft's own version 1 here) and the inbox of
    # members' responses (none here)
    "desk:statements": (as_privacy_officer(get()), '<th scope="row">1</th>'),
    "desk:statement_draft": (as_privacy_officer(get()), 'name="text_nl"'),
    "desk:statement_publish": (as_privacy_officer(post()), '<th scope="row">1</th>'),
    "desk:inbox": (as_privacy_officer(get()), 'href="/desk/privacy/statements/"'),
    "desk:inbox_handle": (as_privacy_officer(post()), 'href="/desk/privacy/statements/"'),
    # transparency: police requests (authority and reference only), the partner register and
    # the privacy officer's dashboard (counts)
    "desk:legal_requests": (get(), 'href="/desk/privacy/legal/new/"'),
    "desk:legal_new": (get(), 'name="authority"'),
    "desk:partners": (as_privacy_officer(get()), 'href="/desk/privacy/partners/new/"'),
    "desk:partner_new": (as_privacy_officer(get()), 'name="purpose"'),
    "desk:partner_edit": (as_privacy_officer(get()), 'value="Online Bibliotheek"'),
    "desk:privacy_dashboard": (as_privacy_officer(get()), 'id="count-legal"'),
    # the dashboard's charts as CSV: counts per week, recipient or purpose
    "desk:trends_looks_csv": (as_privacy_officer(get()), "Week vanaf,Keer ingezien"),
    "desk:trends_disclosures_csv": (as_privacy_officer(get()), "Ontvanger,Verstrekkingen"),
    "desk:trends_consents_csv": (as_privacy_officer(get()), "Week vanaf,Doel,Gegeven"),
    # the staff statistics page and its tables as CSV: counts from the anonymous statistics
    "desk:outreach_statistics": (get(), 'id="section-loans"'),
    "desk:outreach_statistics_csv": (get(), "Vestiging"),
    # letters: what waits and the print runs, by type and count only; confirming a run
    "desk:letters": (get(), "Printrondes"),
    "desk:print_run_new": (post(), "Printrondes"),
    "desk:print_run_printed": (
        with_print_run(pdf=False),
        "brieven zijn nu vastgelegd als verstuurd",
    ),
    # payments: finding a member's payment screen by card number (the form, nobody found yet);
    # the cash report names no member, on screen, as CSV and as PDF
    "desk:payments_find": (get(), 'name="card"'),
    "desk:cash_report": (as_finance(get()), 'id="cash-totals"'),
    "desk:cash_report_csv": (as_finance(get()), "Soort,Datum,Tijd,Bon"),
    # direct debit (finance): dates, counts and totals; a refused form shows the same page
    "desk:sepa": (as_finance(get()), 'id="sepa-announce"'),
    "desk:sepa_announce": (as_finance(post()), 'id="sepa-announce"'),
    "desk:sepa_run": (as_finance(post()), 'id="sepa-run"'),
    "desk:sepa_returns": (as_finance(post()), 'id="sepa-returns"'),
    # kiosk accounts (administrators): logins, branches and settings of machines, nobody's data
    "desk:kiosks": (as_administrator(get()), 'id="kiosk-new"'),
    # interlibrary loan: the empty request form; the partner libraries (administrators)
    "desk:interlibrary_new": (get(), 'name="isbn"'),
    # contests: the list, the form, a contest's page with its counts, its moves, the draw's
    # question (counts only, no entrant)
    "desk:contests": (get(), 'id="contest-new"'),
    "desk:contest_new": (get(), 'name="keep_days"'),
    "desk:contest": (get(), 'id="contest-counts"'),
    "desk:contest_edit": (get(), 'name="keep_days"'),
    "desk:contest_move": (post({"action": "close"}), 'id="contest-counts"'),
    "desk:contest_draw": (get(), 'id="contest-draw-question"'),
    "desk:interlibrary_partners": (as_administrator(get()), 'id="ill-partner-new"'),
    "desk:interlibrary_partner_new": (as_administrator(get()), 'name="endpoint_url"'),
    "desk:interlibrary_partner_edit": (as_administrator(get()), 'value="NL-Partner"'),
    "desk:kiosk_new": (as_administrator(get()), 'name="password_again"'),
    "desk:kiosk_edit": (as_administrator(get()), 'value="kiosk-centrale"'),
    "desk:kiosk_deactivate": (as_administrator(post()), 'id="kiosk-new"'),
    # the library's settings (administrators): rules, closed days and who changed them
    "desk:settings_rules": (as_administrator(get()), "Uitleenregels"),
    "desk:settings_rule_delete": (as_administrator(post()), "Uitleenregels"),
    "desk:settings_closed_days": (as_administrator(get()), "Sluitingsdagen"),
    "desk:settings_closed_day_remove": (as_administrator(post()), "Sluitingsdagen"),
    "desk:settings_changes": (as_administrator(get()), "Wijzigingen in instellingen"),
    "desk:settings_opening_days": (as_administrator(get()), "Openingsdagen"),
    "desk:settings_categories": (as_administrator(get()), "Lidmaatschapscategorieën"),
    "desk:settings_category": (as_administrator(get()), "Lidmaatschapscategorieën"),
    "desk:settings_category_delete": (as_administrator(post()), "Lidmaatschapscategorieën"),
    "desk:settings_messages": (as_administrator(get()), "Berichtteksten"),
    "desk:settings_message": (as_administrator(get()), "Berichtteksten"),
    "desk:settings_message_remove": (as_administrator(post()), "Berichtteksten"),
    "desk:settings_library": (as_administrator(get()), "Bibliotheekgegevens"),
    # interests (administrators): the library's list, with how many members chose each; no member
    "desk:interests": (as_administrator(get()), 'id="interest-new"'),
    "desk:interests_seed": (as_administrator(post()), 'id="interests-list"'),
    "desk:interest_active": (as_administrator(post()), 'id="interest-new"'),
    # the research panel (Biebpanel): surveys, questions, counts and totals, never a member
    "desk:panel_surveys": (get(), 'id="panel-new"'),
    "desk:panel_survey_new": (get(), 'name="external_url"'),
    "desk:panel_survey": (get(), 'id="panel-survey"'),
    "desk:panel_survey_edit": (get(), 'value="Biebpanel-wandeling"'),
    "desk:panel_survey_move": (post(), 'id="panel-survey"'),
    "desk:panel_survey_invite": (post(), 'id="panel-survey"'),
    "desk:panel_question_add": (post({"text": "Nog een vraag", "kind": "scale"}), "Nog een vraag"),
    "desk:panel_question_remove": (post(), 'id="panel-survey"'),
    "desk:panel_results": (get(), 'id="panel-not-closed"'),
    "desk:panel_results_csv": (get(), "Vraag,Antwoord,"),
    # newsletter issues (administrators): subject, text, audience and counts, never a subscriber
    "desk:newsletter_issues": (as_administrator(get()), 'id="newsletter-issue-new"'),
    "desk:newsletter_issue_new": (as_administrator(get()), 'name="audience"'),
    "desk:newsletter_issue": (as_administrator(get()), 'id="newsletter-issue-results"'),
    "desk:newsletter_issue_image": (as_administrator(post()), 'id="newsletter-issue-status"'),
    "desk:newsletter_issue_image_remove": (
        as_administrator(post()),
        'id="newsletter-issue-status"',
    ),
    "desk:newsletter_issue_test": (as_administrator(post()), 'id="newsletter-issue-status"'),
    "desk:newsletter_issue_send": (
        as_administrator(post({"now": "1"})),
        'id="newsletter-issue-status"',
    ),
    "desk:newsletter_issue_cancel": (as_administrator(post()), 'id="newsletter-issue-status"'),
}


def parts_logged(scene: Scene) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(member=scene.member, staff=scene.staff, branch=scene.central)
        .order_by("pk")  # in the order written: PostgreSQL promises no order without it
        .values_list("part", flat=True)
    )


@pytest.mark.parametrize("name", sorted(desk_patterns()))
def test_every_desk_screen_logs_the_member_data_it_shows_or_shows_none(
    name: str, scene: Scene
) -> None:
    args = desk_patterns()[name]
    unknown = [arg for arg in args if arg not in FILL]
    if unknown:
        pytest.fail(f"{name} takes {unknown}: teach this test (FILL) how to fill them")
    url = reverse(name, kwargs={arg: FILL[arg](scene) for arg in args})
    AccessLogEntry.objects.all().delete()

    if name in LOOKS:
        send, parts = LOOKS[name]
        response = send(scene, url)
        assert response.status_code == 200, response.content[:500]
        logged = parts_logged(scene)
        assert logged == [str(part) for part in parts]
    elif name in NO_MEMBER_DATA:
        send, shown = NO_MEMBER_DATA[name]
        response = send(scene, url)
        assert response.status_code == 200
        page = response.content.decode()
        assert shown in page
        for personal in ("Wilhelmina", "Kortenhoeven", "21000000000042", "w.kortenhoeven"):
            assert personal not in page, f"{name} shows {personal}"
        assert AccessLogEntry.objects.count() == 0
    else:
        pytest.fail(f"{name} is a new desk screen: add it to LOOKS or to NO_MEMBER_DATA")


def test_every_screen_that_takes_a_member_id_logs_a_look() -> None:
    patterns = desk_patterns()
    with_member = {name for name, args in patterns.items() if "member_id" in args}

    assert with_member
    assert with_member <= set(LOOKS)


def test_the_lists_name_only_screens_that_exist_and_each_once() -> None:
    patterns = set(desk_patterns())

    assert set(LOOKS) <= patterns
    assert set(NO_MEMBER_DATA) <= patterns
    assert not set(LOOKS) & set(NO_MEMBER_DATA)


# What a privacy officer's look may be logged as: the officer's own work, never desk help.
OFFICER_PURPOSES = {
    AccessPurpose.PRIVACY_REVIEW,
    AccessPurpose.PRIVACY_REQUEST,
    AccessPurpose.LEGAL_REQUEST,
}


def officer_instead(then: Request) -> Request:
    """``then``, with the scene's staff member a privacy officer of the same branch."""

    def send(scene: Scene, url: str) -> Any:
        from tests.factories_desk import staff_login
        from tests.factories_transparency import officer

        scene.staff = officer(scene.central, username="fg-looking")
        scene.client = staff_login(Client(), scene.staff)
        return then(scene, url)

    return send


# Screens only the finance role may open: a privacy officer is refused (403) before any look.
FINANCE_ONLY = {"desk:sepa_run_download"}


# (screens that show no member data, such as the transit slip, log nothing for anyone)
@pytest.mark.parametrize(
    "name", sorted(name for name, (_, parts) in LOOKS.items() if parts and name not in FINANCE_ONLY)
)
def test_every_look_by_a_privacy_officer_is_logged_with_the_officers_purpose(
    name: str, scene: Scene
) -> None:
    args = desk_patterns()[name]
    url = reverse(name, kwargs={arg: FILL[arg](scene) for arg in args})
    AccessLogEntry.objects.all().delete()
    send, parts = LOOKS[name]

    response = officer_instead(send)(scene, url)

    assert response.status_code == 200, response.content[:500]
    purposes = set(AccessLogEntry.objects.values_list("purpose", flat=True))
    assert purposes, f"{name} logged nothing"
    assert purposes <= {str(p) for p in OFFICER_PURPOSES}, f"{name} logged {purposes}"


def test_the_officer_looking_at_a_member_is_logged_as_a_review_desk_staff_as_desk_help(
    scene: Scene,
) -> None:
    from tests.factories_desk import staff_login
    from tests.factories_transparency import officer

    url = reverse("desk:member_detail", kwargs={"member_id": scene.member.pk})
    fg = officer(scene.central, username="fg-looking")

    scene.client.get(url)
    staff_login(Client(), fg).get(url)

    logged = set(AccessLogEntry.objects.values_list("staff__username", "purpose"))
    assert logged == {("balie1", AccessPurpose.DESK), ("fg-looking", AccessPurpose.PRIVACY_REVIEW)}
