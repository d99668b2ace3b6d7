"""Registration warns about a likely duplicate before saving; an error summary on top; the
password typed is not lost when the form is shown again."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.test import Client

from kaft.catalog.models import Branch
from kaft.desk.tests.test_members import counts, registration
from kaft.members.models import Member, MemberCategory, User
from kaft.privacy.models import AccessLogEntry
from tests.factories import MemberFactory

PASSWORD = "een lange zin als wachtwoord"


def existing(category: MemberCategory, branch: Branch) -> Member:
    """Noor van Dijk, born 1 May 1990, is a member already (card ...0555)."""
    return MemberFactory.create(
        card_number="21000000000555",
        first_name="Noor",
        name_prefix="van",
        last_name="Dijk",
        date_of_birth=dt.date(1990, 5, 1),
        email="noor.oud@example.org",
        category=category,
        home_branch=branch,
    )


def test_a_likely_duplicate_is_shown_before_anything_is_saved(
    desk: Client, staff: User, central: Branch, adult: MemberCategory
) -> None:
    noor = existing(adult, central)
    before = counts()

    response = desk.post("/desk/members/new/", registration(adult, central, password=PASSWORD))

    page = response.content.decode()
    assert response.status_code == 200
    assert counts() == before
    assert "Deze persoon is misschien al lid" in page
    assert f'href="/desk/members/{noor.pk}/">Noor van Dijk openen</a>' in page
    assert "Pasnummer 21000000000555" in page
    assert "(dezelfde naam en geboortedatum)" in page
    assert f'name="duplicates_seen" value="{noor.pk}"' in page
    assert "Het is iemand anders: toch registreren" in page
    # The password typed is still in its field.
    assert re.search(rf'<input type="password" name="password" value="{PASSWORD}"', page)
    # Showing the match is a look at name and card, and (the reason) at the date of birth.
    assert list(
        AccessLogEntry.objects.filter(member=noor).values_list("part", "purpose", "staff_id")
    ) == [("search", "registration", staff.pk), ("identity", "registration", staff.pk)]


def test_register_anyway_after_seeing_the_warning(
    desk: Client, central: Branch, adult: MemberCategory
) -> None:
    noor = existing(adult, central)

    response = desk.post(
        "/desk/members/new/",
        registration(adult, central, duplicates_seen=str(noor.pk)),
    )

    new = Member.objects.get(card_number="21000000000777")
    assert response["Location"] == f"/desk/members/{new.pk}/"
    assert new.full_name == "Noor van Dijk"


def test_a_new_match_not_seen_before_is_warned_about_again(
    desk: Client, central: Branch, adult: MemberCategory
) -> None:
    noor = existing(adult, central)
    same_mail = MemberFactory.create(email="noor@example.org", category=adult, home_branch=central)
    before = counts()

    response = desk.post(
        "/desk/members/new/",
        registration(adult, central, duplicates_seen=str(noor.pk)),
    )

    page = response.content.decode()
    assert counts() == before
    assert f'value="{noor.pk},{same_mail.pk}"' in page
    assert "(hetzelfde e-mailadres)" in page


def test_the_warning_in_english(desk: Client, central: Branch, adult: MemberCategory) -> None:
    existing(adult, central)
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = desk.post("/desk/members/new/", registration(adult, central))

    page = response.content.decode()
    assert "This person may be a member already" in page
    assert "Open Noor van Dijk" in page
    assert "(same name and date of birth)" in page
    assert "It is someone else: register anyway" in page


def test_error_summary_on_top_links_to_each_field_and_keeps_the_password(
    desk: Client, central: Branch, adult: MemberCategory
) -> None:
    response = desk.post(
        "/desk/members/new/",
        registration(adult, central, last_name="", postcode="", password=PASSWORD),
    )

    page = response.content.decode()
    summary = page[
        page.index('class="error-summary"') : page.index("</div>", page.index("error-summary"))
    ]
    assert "Het formulier is nog niet compleet" in summary
    assert re.findall(r'<a href="#([a-z_]+)">([^<]+)</a>', summary) == [
        ("id_last_name", "Achternaam: Dit veld is verplicht."),
        ("id_postcode", "Postcode: Dit veld is verplicht."),
    ]
    assert page.index("error-summary") < page.index('id="id_card_number"')
    assert re.search(rf'<input type="password" name="password" value="{PASSWORD}"', page)
