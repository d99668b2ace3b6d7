"""MijnBibliotheek: personal details (read-only identity, editable contact) and the password."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kaft.members.models import Address, AddressKind, Member, MessagePreference
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EDIT = "/mijn/gegevens/wijzigen/"


def _contact(**changes: str) -> dict[str, str]:
    data = {
        "phone": "06 12345678",
        "preferred_language": "en",
        "home_street": "Oudegracht",
        "home_house_number": "12a",
        "home_postcode": "3511ab",
        "home_city": "Utrecht",
        "postal_street": "",
        "postal_house_number": "",
        "postal_postcode": "",
        "postal_city": "",
        "channel_hold_ready": "sms",
        "channel_due_soon": "email",
        "channel_sepa_prenotice": "letter",
        "channel_debit_returned": "email",
        "channel_reminder": "letter",
        "channel_invoice": "email",
        "channel_membership_ending": "email",
    }
    data.update(changes)
    return data


def test_details_page_shows_identity_read_only_with_desk_hint(
    member_client: Client, member: Member
) -> None:
    Address.objects.create(
        member=member,
        kind=AddressKind.HOME,
        street="Lange Nieuwstraat",
        house_number="4",
        postcode="3512 PH",
        city="Utrecht",
    )

    html = member_client.get("/mijn/gegevens/").content.decode()

    assert "Sanne Visser" in html
    assert "12 april 1985" in html
    assert "Lange Nieuwstraat 4" in html
    assert "Vraag aan de balie om dit te wijzigen" in html
    assert 'name="first_name"' not in member_client.get(EDIT).content.decode()


def test_edit_form_has_a_label_for_every_field(member_client: Client) -> None:
    html = member_client.get(EDIT).content.decode()

    for name in _contact():
        assert f'<label for="id_{name}"' in html, name


def test_member_changes_contact_details_addresses_channels_and_language(
    member_client: Client, member: Member
) -> None:
    response = member_client.post(
        EDIT,
        _contact(
            postal_street="Postbus",
            postal_house_number="100",
            postal_postcode="3500 AA",
            postal_city="Utrecht",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/mijn/gegevens/"
    member.refresh_from_db()
    assert (member.email, member.phone, member.preferred_language) == (
        "sanne@example.org",  # a new address goes through its own page and a link
        "+31612345678",  # kept as E.164
        "en",
    )
    assert member.first_name == "Sanne"
    assert member.date_of_birth == dt.date(1985, 4, 12)
    addresses = {a.kind: str(a) for a in member.addresses.all()}
    assert addresses == {
        "home": "Oudegracht 12a, 3511 AB Utrecht",
        "postal": "Postbus 100, 3500 AA Utrecht",
    }
    channels = dict(MessagePreference.objects.values_list("message_type", "channel"))
    assert channels == {
        "hold_ready": "sms",
        "due_soon": "email",
        "sepa_prenotice": "letter",
        "debit_returned": "email",
        "reminder": "letter",
        "invoice": "email",
        "membership_ending": "email",
    }
    page = member_client.get("/mijn/gegevens/").content.decode()
    assert "Uw gegevens zijn opgeslagen." in page


def test_half_a_postal_address_is_refused_and_nothing_changes(
    member_client: Client, member: Member
) -> None:
    response = member_client.post(EDIT, _contact(postal_street="Postbus"))

    assert response.status_code == 400
    assert "Vul het hele postadres in, of laat het helemaal leeg." in response.content.decode()
    member.refresh_from_db()
    assert member.email == "sanne@example.org"
    assert not member.addresses.exists()


def test_invalid_email_is_refused_in_dutch(member_client: Client, member: Member) -> None:
    response = member_client.post(
        "/mijn/gegevens/e-mail/", {"new_email": "geen-adres", "current_password": PASSWORD}
    )

    assert response.status_code == 400
    assert "Voer een geldig e-mailadres in." in response.content.decode()
    member.refresh_from_db()
    assert member.email == "sanne@example.org"


def test_member_changes_password_and_stays_logged_in(member_client: Client, member: Member) -> None:
    response = member_client.post(
        "/mijn/wachtwoord/",
        {
            "current_password": PASSWORD,
            "new_password": "een lange nieuwe zin",
            "new_password_again": "een lange nieuwe zin",
        },
    )

    assert response.status_code == 302
    assert member.user is not None
    member.user.refresh_from_db()
    assert member.user.check_password("een lange nieuwe zin")
    assert member_client.get("/mijn/gegevens/").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current_password": "fout", "new_password": "een lange nieuwe zin"},
            "Het huidige wachtwoord klopt niet.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "kort"},
            "Dit wachtwoord is te kort. Het moet minstens 10 tekens bevatten.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "password123"},
            "Dit wachtwoord is te algemeen.",
        ),
    ],
)
def test_refused_password_change_shows_why_and_keeps_the_old_one(
    member_client: Client, member: Member, data: dict[str, str], message: str
) -> None:
    data["new_password_again"] = data["new_password"]

    response = member_client.post("/mijn/wachtwoord/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert member.user is not None
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


def test_new_passwords_must_match(member_client: Client, member: Member) -> None:
    response = member_client.post(
        "/mijn/wachtwoord/",
        {
            "current_password": PASSWORD,
            "new_password": "een lange nieuwe zin",
            "new_password_again": "een andere lange zin",
        },
    )

    assert "De twee nieuwe wachtwoorden zijn niet gelijk." in response.content.decode()
    assert member.user is not None
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


@pytest.mark.parametrize("ticked", [True, False])
def test_member_chooses_the_receipt_by_e_mail(
    member_client: Client, member: Member, ticked: bool
) -> None:
    Member.objects.filter(pk=member.pk).update(email_receipt=not ticked)
    data = _contact(**({"email_receipt": "on"} if ticked else {}))

    response = member_client.post(EDIT, data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email_receipt is ticked
    page = member_client.get("/mijn/gegevens/").content.decode()
    answer = "Ja" if ticked else "Nee"
    assert f"<dt>Bon per e-mail bij lenen aan de balie</dt><dd>{answer}</dd>" in page


def test_a_phone_number_that_is_not_one_is_refused_and_nothing_changes(
    member_client: Client, member: Member
) -> None:
    before = member.phone

    response = member_client.post(EDIT, _contact(phone="06 1234"))

    assert response.status_code == 400
    assert "Dit is geen telefoonnummer dat we kunnen gebruiken." in response.content.decode()
    member.refresh_from_db()
    assert member.phone == before
    assert not Address.objects.filter(member=member).exists()


def test_the_member_chooses_titles_in_text_messages(member_client: Client, member: Member) -> None:
    assert member.sms_titles is False

    member_client.post(EDIT, _contact(phone="+32 470 12 34 56", sms_titles="on"))

    member.refresh_from_db()
    assert (member.sms_titles, member.phone) == (True, "+32470123456")
    page = member_client.get("/mijn/gegevens/").content.decode()
    assert "Titels noemen in sms-berichten" in page
