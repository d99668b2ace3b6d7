"""Accounts cannot be taken over or guessed (issue 7, section 6).

- A new e-mail address needs the current password and takes effect only when the link sent to it
  is followed; the old address is told. Until then login and resets use the old address.
- An address shared by several members (a household) logs in and resets only with a card number.
- The login lockout counts normalised usernames: case variants and spaces are one username.
- Wrong current passwords, deferred erasure and family requests are limited by one limiter.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from kaft.members.models import EmailChange, FamilyAccess, Member, MemberStatus, User
from kaft.notices.models import Notice
from kaft.privacy.models import ErasureRequest, ErasureStatus
from tests.factories import PASSWORD, MemberFactory
from tests.factories_rights import make_loan

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"
EMAIL = "/mijn/gegevens/e-mail/"
CONFIRM = "/e-mail/bevestigen/"
RESET = "/wachtwoord/vergeten/"
ATTACKER = "indringer@example.net"
WRONG_LOGIN = "Deze combinatie van pasnummer of e-mailadres en wachtwoord klopt niet."
WRONG_PASSWORD = "Het huidige wachtwoord klopt niet."
TOO_MANY_PASSWORDS = "Te vaak een verkeerd wachtwoord. Wacht een uur en probeer het opnieuw"
NEW_PASSWORD = "een lange nieuwe zin als wachtwoord"


def _notices(recipient: str) -> list[Notice]:
    return list(Notice.objects.filter(recipient=recipient).order_by("pk"))


def _link(notice: Notice) -> str:
    match = re.search(r"http://\S+/e-mail/bevestigen/\?t=(\S+)", notice.body)
    assert match is not None, notice.body
    return match.group(1)


def _ask(client: Client, address: str, password: str = PASSWORD) -> Any:
    return client.post(EMAIL, {"new_email": address, "current_password": password})


def _follow(client: Client, token: str) -> Any:
    first = client.get(CONFIRM, {"t": token})
    assert first.status_code == 302 and first["Location"] == CONFIRM
    return client.post(CONFIRM)


def _logs_in(login: str, password: str = PASSWORD) -> bool:
    client = Client()
    response = client.post(LOGIN, {"username": login, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


# --- the takeover of the audit ---------------------------------------------------------------


def test_a_found_session_cannot_move_the_account_to_another_address(
    member_client: Client, member: Member
) -> None:
    # Given someone else at a member's logged-in session, without the password
    # When they change the address on the contact form, as the audit did
    member_client.post(
        "/mijn/gegevens/wijzigen/",
        {
            "email": ATTACKER,
            "phone": "",
            "preferred_language": "nl",
            "home_street": "Oudegracht",
            "home_house_number": "1",
            "home_postcode": "3511AA",
            "home_city": "Utrecht",
            "channel_hold_ready": "email",
            "channel_due_soon": "email",
            "channel_reminder": "email",
            "channel_invoice": "email",
            "channel_membership_ending": "email",
        },
    )
    # and on the e-mail page, without and with a guessed password
    no_password = member_client.post(EMAIL, {"new_email": ATTACKER})
    guessed = _ask(member_client, ATTACKER, "raden maar")
    # and then ask for a reset link to their own address
    Client().post(RESET, {"login": ATTACKER})

    # Then the address is the owner's, nothing went to the attacker, the owner still logs in
    assert no_password.status_code == 400
    assert guessed.status_code == 400
    assert WRONG_PASSWORD in guessed.content.decode()
    member.refresh_from_db()
    assert member.email == "sanne@example.org"
    assert EmailChange.objects.count() == 0
    assert _notices(ATTACKER) == []
    assert _logs_in("sanne@example.org")


def test_a_new_address_takes_effect_only_through_its_link_and_the_old_one_is_told(
    member_client: Client, member: Member
) -> None:
    response = _ask(member_client, " Nieuw@Example.org ")

    assert response.status_code == 302
    [confirm] = _notices("nieuw@example.org")
    assert confirm.member_id == member.pk
    assert confirm.subject == "Bevestig uw nieuwe e-mailadres voor MijnBibliotheek"
    token = _link(confirm)
    # until the link is followed, everything uses the old address
    member.refresh_from_db()
    assert member.email == "sanne@example.org"
    assert not _logs_in("nieuw@example.org")
    assert _logs_in("sanne@example.org")
    Client().post(RESET, {"login": "nieuw@example.org"})
    assert _notices("nieuw@example.org") == [confirm]
    page = member_client.get("/mijn/gegevens/").content.decode()
    assert "Wacht op bevestiging: we hebben een link gestuurd naar nieuw@example.org" in page

    # When the link is followed (its page alone changes nothing: a mail scanner may open it)
    opened = Client()
    opened.get(CONFIRM, {"t": token})
    shown = opened.get(CONFIRM)
    assert "Voortaan nieuw@example.org gebruiken" in shown.content.decode()
    member.refresh_from_db()
    assert member.email == "sanne@example.org"
    done = opened.post(CONFIRM)

    # Then the new address is the member's, and the old one got a notice in Dutch
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.email == "nieuw@example.org"
    assert _logs_in("nieuw@example.org")
    assert not _logs_in("sanne@example.org")
    [told] = _notices("sanne@example.org")
    assert told.member_id == member.pk
    assert told.subject == "Uw e-mailadres voor MijnBibliotheek is gewijzigd"
    assert "Heeft u dit niet zelf gedaan?" in told.body
    assert "nieuw@example.org" not in told.body
    # and the link works once
    again = _follow(Client(), token)
    assert again.status_code == 400
    assert "Deze link werkt niet meer" in again.content.decode()


def test_the_old_address_is_told_in_english_too(member_client: Client, member: Member) -> None:
    Member.objects.filter(pk=member.pk).update(preferred_language="en")
    _ask(member_client, "new@example.org")
    [confirm] = _notices("new@example.org")
    assert confirm.subject == "Confirm your new e-mail address for MijnBibliotheek"

    _follow(Client(), _link(confirm))

    [told] = _notices("sanne@example.org")
    assert told.subject == "Your e-mail address for MijnBibliotheek was changed"
    assert "Did you not do this yourself?" in told.body


@pytest.mark.parametrize("void", ["newer request", "password change", "expired"])
def test_a_link_stops_working(member_client: Client, member: Member, void: str) -> None:
    _ask(member_client, "eerste@example.org")
    token = _link(_notices("eerste@example.org")[0])
    if void == "newer request":
        _ask(member_client, "tweede@example.org")
    elif void == "password change":
        member_client.post(
            "/mijn/wachtwoord/",
            {
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_again": NEW_PASSWORD,
            },
        )
    else:
        EmailChange.objects.update(expires_at=EmailChange.objects.get().requested_at)

    response = _follow(Client(), token)

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.email == "sanne@example.org"
    assert _notices("sanne@example.org") == []


def test_a_wrong_link_is_refused(client: Client) -> None:
    response = _follow(client, "niet-een-echte-link")

    assert response.status_code == 400
    assert "Deze link werkt niet meer" in response.content.decode()


# --- addresses of other members ----------------------------------------------------------------


def test_another_members_address_is_not_taken_by_asking_for_it(
    member_client: Client, member: Member
) -> None:
    other = MemberFactory.create(email="buur@example.org")

    _ask(member_client, "Buur@Example.org")

    # the neighbour still logs in and resets with their address; nothing of theirs changed
    member.refresh_from_db()
    assert member.email == "sanne@example.org"
    assert _logs_in("buur@example.org")
    Client().post(RESET, {"login": "buur@example.org"})
    reset = Notice.objects.filter(member=other, message_type="password_reset").get()
    assert reset.recipient == "buur@example.org"


def test_a_shared_household_address_logs_in_and_resets_only_with_the_card(
    member_client: Client, member: Member
) -> None:
    # Given a household member who has the address in another case
    partner = MemberFactory.create(email="Gezin@Example.org", card_number="21000000000002")
    # When the member confirms the same address for themself
    _ask(member_client, "gezin@example.org")
    _follow(Client(), _link(_notices("gezin@example.org")[0]))
    member.refresh_from_db()
    assert member.email == "gezin@example.org"

    # Then the address no longer logs in for either, the cards do
    assert not _logs_in("gezin@example.org")
    assert not _logs_in("GEZIN@example.org")
    assert _logs_in(member.card_number)
    assert _logs_in(partner.card_number)
    # and a reset by the address sends nothing, a reset by card goes to the shared address
    before = Notice.objects.filter(message_type="password_reset").count()
    Client().post(RESET, {"login": "gezin@example.org"})
    assert Notice.objects.filter(message_type="password_reset").count() == before
    Client().post(RESET, {"login": partner.card_number})
    reset = Notice.objects.filter(message_type="password_reset").get()
    assert (reset.member_id, reset.recipient) == (partner.pk, "Gezin@Example.org")


def test_login_reset_and_email_pages_say_a_shared_address_needs_the_card(
    client: Client, member_client: Client
) -> None:
    hint = "Deelt u uw e-mailadres met een ander lid, bijvoorbeeld een huisgenoot?"
    assert hint in Client().get(LOGIN).content.decode()
    assert hint in Client().get(RESET).content.decode()
    page = member_client.get(EMAIL).content.decode()
    assert "Deelt u dit adres met huisgenoten die ook lid zijn?" in page


def test_the_reset_page_answers_the_same_whatever_matched(member: Member) -> None:
    MemberFactory.create(email="gedeeld@example.org")
    MemberFactory.create(email="Gedeeld@example.org")
    masked = re.compile(r'(value="|"X-CSRFToken": ")[A-Za-z0-9]{64}')  # a new mask per page
    pages = {
        login: masked.sub("", Client().post(RESET, {"login": login}).content.decode())
        for login in ("sanne@example.org", "onbekend@example.org", "gedeeld@example.org")
    }

    assert len(set(pages.values())) == 1
    assert Notice.objects.filter(message_type="password_reset").count() == 1


# --- the login lockout -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "then"),
    [
        (
            ["SANNE@example.org", "sanne@EXAMPLE.org", " Sanne@Example.Org", "sAnne@example.org "]
            + ["sanne@example.orG"],
            "Sanne@example.ORG",
        ),
        (
            ["2100 0000 0000 01", " 21000000000001", "21000000000001 ", "2100000 0000001"]
            + ["21 000000000001"],
            "21000000000001",
        ),
    ],
    ids=["e-mail in other cases", "card number with spaces"],
)
def test_variants_of_a_username_count_as_one_for_the_lockout(
    client: Client, member: Member, typed: list[str], then: str
) -> None:
    for login in typed:
        response = client.post(LOGIN, {"username": login, "password": "verkeerd wachtwoord"})
        assert response.status_code in (200, 429)

    response = client.post(LOGIN, {"username": then, "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
        "sanne@example.org" if "@" in then else "21000000000001"
    }


def test_a_successful_login_clears_the_failures_of_every_variant(
    client: Client, member: Member
) -> None:
    for login in ("SANNE@example.org", "sanne@EXAMPLE.org", "Sanne@example.org"):
        client.post(LOGIN, {"username": login, "password": "verkeerd wachtwoord"})
    assert AccessAttempt.objects.get().failures_since_start == 3

    assert (
        client.post(LOGIN, {"username": "sAnne@example.org", "password": PASSWORD}).status_code
        == 302
    )

    assert AccessAttempt.objects.count() == 0


@pytest.mark.parametrize("variant", ["ſanne@example.org", "ſANNE@EXAMPLE.ORG"])
def test_an_address_that_only_the_database_folds_to_the_members_does_not_log_in(
    client: Client, member: Member, variant: str
) -> None:
    """A variant the lockout would count apart (PostgreSQL upper-cases ``ſ`` to ``S``) must not
    find the member: otherwise each variant guesses with a count of its own."""
    assert not _logs_in(variant)
    assert client.post(RESET, {"login": variant}).status_code == 200
    assert not Notice.objects.filter(message_type="password_reset").exists()
    assert _logs_in("SANNE@example.org")


def test_new_ipv6_addresses_of_one_network_count_as_one_for_the_lockout(member: Member) -> None:
    """One IPv6 host picks any address of its /64: moving on after each guess is one client."""
    for n in range(1, 6):
        response = Client(REMOTE_ADDR=f"2001:db8:1:2::{n:x}").post(
            LOGIN, {"username": "sanne@example.org", "password": "verkeerd wachtwoord"}
        )
        assert response.status_code in (200, 429)

    other_host = Client(REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:ffff")
    response = other_host.post(LOGIN, {"username": "sanne@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in other_host.session
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [
        ("2001:db8:1:2::", 6)  # the refused right one counts too
    ]
    elsewhere = Client(REMOTE_ADDR="2001:db8:1:3::1")  # another network is not locked out
    assert (
        elsewhere.post(LOGIN, {"username": "sanne@example.org", "password": PASSWORD}).status_code
        == 302
    )


def test_a_card_number_with_spaces_logs_in(client: Client, member: Member) -> None:
    assert _logs_in("2100 0000 0000 01")


# --- one limiter for current passwords, deferred erasure and family requests ---------------------


def test_wrong_current_passwords_are_counted_across_every_form(
    member_client: Client, member: Member
) -> None:
    # Given five wrong passwords spread over the three forms that ask for it
    change = {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    for _ in range(2):
        wrong = member_client.post("/mijn/wachtwoord/", {"current_password": "fout", **change})
        assert WRONG_PASSWORD in wrong.content.decode()
        assert WRONG_PASSWORD in _ask(member_client, "x@example.org", "fout").content.decode()
    member_client.post("/mijn/account/verwijderen/", {"password": "fout"})

    # When the right password is given on each of them
    responses = [
        member_client.post("/mijn/wachtwoord/", {"current_password": PASSWORD, **change}),
        _ask(member_client, "x@example.org"),
        member_client.post("/mijn/account/verwijderen/", {"password": PASSWORD}),
    ]

    # Then every one is refused with the clear message, and nothing changed
    for response in responses:
        assert response.status_code == 400
        assert TOO_MANY_PASSWORDS in response.content.decode()
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE
    assert User.objects.get(member__pk=member.pk).check_password(PASSWORD)
    assert EmailChange.objects.count() == 0
    assert ErasureRequest.objects.count() == 0


def test_deferred_erasure_asks_the_current_password(member_client: Client, member: Member) -> None:
    make_loan(member, item__record__title="De avonden")
    page = member_client.get("/mijn/account/verwijderen/").content.decode()
    assert 'name="password"' in page

    missing = member_client.post("/mijn/account/verwijderen/", {"action": "wait"})
    wrong = member_client.post("/mijn/account/verwijderen/", {"action": "wait", "password": "x"})

    assert (missing.status_code, wrong.status_code) == (400, 400)
    assert WRONG_PASSWORD in wrong.content.decode()
    assert ErasureRequest.objects.count() == 0

    right = member_client.post(
        "/mijn/account/verwijderen/", {"action": "wait", "password": PASSWORD}
    )
    assert right.status_code == 302
    assert ErasureRequest.objects.get().status == ErasureStatus.WAITING


def test_family_requests_cannot_guess_card_numbers_and_last_names(
    member_client: Client, member: Member
) -> None:
    owner = MemberFactory.create(card_number="21000000000009", last_name="Bakker")
    for guess in range(5):
        response = member_client.post(
            "/mijn/toegang/aanvragen/",
            {"card_number": f"2100000000001{guess}", "last_name": "Bakker"},
        )
        assert (
            "Met dit pasnummer en deze achternaam kunnen we geen verzoek"
            in response.content.decode()
        )

    response = member_client.post(
        "/mijn/toegang/aanvragen/", {"card_number": owner.card_number, "last_name": "Bakker"}
    )

    assert response.status_code == 409
    assert "Te veel verzoeken met een pasnummer en achternaam" in response.content.decode()
    assert FamilyAccess.objects.count() == 0
    assert Notice.objects.filter(member=owner).count() == 0


def test_the_service_refuses_a_members_own_address_change_and_the_desk_tells_the_old_one(
    member: Member,
) -> None:
    from kaft.members.errors import MemberError, MemberErrorCode
    from kaft.members.services.member import member_update_contact
    from tests.factories import StaffFactory

    with pytest.raises(MemberError) as refused:
        member_update_contact(member=member, email=ATTACKER, phone="")
    assert refused.value.code == MemberErrorCode.EMAIL_NEEDS_CONFIRMATION
    member.refresh_from_db()
    assert member.email == "sanne@example.org"

    desk = StaffFactory.create()
    member_update_contact(member=member, email="balie@example.org", phone="", staff=desk)

    member.refresh_from_db()
    assert member.email == "balie@example.org"
    [told] = _notices("sanne@example.org")
    assert told.message_type == "email_changed"
