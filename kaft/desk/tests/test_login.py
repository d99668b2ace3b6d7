"""Staff log in at /desk/login/ (members cannot), choose a branch, and log out with POST."""

from __future__ import annotations

from django.test import Client

from kaft.catalog.models import Branch
from kaft.members.models import Member, User
from tests.factories import PASSWORD


def test_staff_log_in_and_land_on_the_lending_screen(staff: User, central: Branch) -> None:
    client = Client()

    response = client.post("/desk/login/", {"username": "balie1", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.get("/desk/").wsgi_request.staff_branch == central  # type: ignore[attr-defined]


def test_staff_choose_the_branch_when_logging_in(staff: User, west: Branch) -> None:
    client = Client()

    client.post("/desk/login/", {"username": "balie1", "password": PASSWORD, "branch": west.pk})

    assert client.session["desk_branch_id"] == west.pk
    assert client.get("/desk/").wsgi_request.staff_branch == west  # type: ignore[attr-defined]


def test_a_member_cannot_log_in_at_the_desk(member: Member) -> None:
    client = Client()

    response = client.post("/desk/login/", {"username": member.card_number, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "Met dit account kunt u niet inloggen bij de balie. Leden loggen in bij MijnBibliotheek."
        in response.content.decode()
    )


def test_a_wrong_password_is_refused(staff: User) -> None:
    client = Client()

    response = client.post("/desk/login/", {"username": "balie1", "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only_and_forgets_the_session(desk: Client, west: Branch) -> None:
    desk.post("/desk/branch/", {"branch": west.pk})

    assert desk.get("/desk/logout/").status_code == 405
    response = desk.post("/desk/logout/")

    assert response["Location"] == "/desk/login/"
    assert "_auth_user_id" not in desk.session
    assert "desk_branch_id" not in desk.session


def test_login_page_has_labelled_fields(db: None) -> None:
    html = Client().get("/desk/login/").content.decode()

    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert '<label for="id_branch">' in html


def test_a_privacy_officer_lands_on_the_privacy_dashboard(central: Branch) -> None:
    from tests.factories_transparency import officer

    officer(central, username="fg1")
    client = Client()

    response = client.post("/desk/login/", {"username": "fg1", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/desk/privacy/"


def test_a_privacy_officer_with_next_goes_there(central: Branch) -> None:
    from tests.factories_transparency import officer

    officer(central, username="fg1")
    client = Client()

    response = client.post(
        "/desk/login/?next=/desk/members/", {"username": "fg1", "password": PASSWORD}
    )

    assert response["Location"] == "/desk/members/"


def test_an_administrator_lands_on_the_lending_screen_as_desk_staff_do(central: Branch) -> None:
    from tests.factories_security import staff_with_role

    staff_with_role("administrator", branch=central, username="beheer1")
    client = Client()

    response = client.post("/desk/login/", {"username": "beheer1", "password": PASSWORD})

    assert response["Location"] == "/desk/"
