"""Running the retention job now from the retention page: the privacy officer's role only, one
run at a time, queued as a task after commit, with progress and the result per rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import StaffRole, User
from kaft.privacy.models import AccessLogEntry, RetentionRun
from kaft.privacy.tasks import apply_retention
from tests.factories import MemberFactory, StaffFactory
from tests.factories_desk import staff_login

PAGE = reverse("desk:retention")
RUN = reverse("desk:retention_run")


@pytest.fixture
def officer(central: Branch) -> User:
    return StaffFactory.create(
        username="fg1",
        profile__branch=central,
        profile__role=StaffRole.PRIVACY_OFFICER,
        profile__display_name="Fatima",
    )


@pytest.fixture
def officer_client(officer: User) -> Client:
    return staff_login(Client(), officer)


def old_look(central: Branch) -> AccessLogEntry:
    """An access-log entry 400 days old: past its 365 days."""
    member = MemberFactory.create(home_branch=central)
    return AccessLogEntry.objects.create(
        member=member, part="loans", at=timezone.now() - dt.timedelta(days=400)
    )


def test_the_button_runs_the_job_and_the_page_shows_who_and_the_rows_per_rule(
    officer_client: Client,
    officer: User,
    central: Branch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old_look(central)
    page = officer_client.get(PAGE).content.decode()
    assert "Op dit moment is 1 rij over de termijn." in page
    assert 'id="retention-run"' in page

    with django_capture_on_commit_callbacks(execute=True) as queued:
        officer_client.post(RUN)
    response = officer_client.get(PAGE)

    assert len(queued) == 1
    run = RetentionRun.objects.get()
    assert (run.requested_by, run.running, run.steps_done) == (officer, False, run.steps_total)
    assert run.finished_at is not None
    assert run.counts["access_log"] == {"privacy.AccessLogEntry": 1, "admin.LogEntry": 0}
    assert AccessLogEntry.objects.count() == 0
    page = response.content.decode()
    assert "De bewaartaak is gestart." in page
    assert "Op dit moment zijn 0 rijen over de termijn." in page
    assert "<td>Fatima</td>" in page
    assert "1: Inzagelog 1" in page


def test_refused_while_a_run_works_and_nothing_is_queued(
    officer_client: Client, central: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    old_look(central)
    working = RetentionRun.objects.create(
        started_at=timezone.now(), running=True, steps_done=3, steps_total=16
    )

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = officer_client.post(RUN, follow=True)

    assert queued == []
    assert list(RetentionRun.objects.values_list("pk", flat=True)) == [working.pk]
    assert AccessLogEntry.objects.count() == 1
    page = response.content.decode()
    assert "De bewaartaak loopt al. Wacht tot hij klaar is." in page
    # the page shows how far the run is, and no button
    assert "3 van 16 stappen klaar." in page
    assert '<progress value="3" max="16"' in page
    assert 'id="retention-run"' not in page


def test_a_run_left_running_by_a_killed_worker_does_not_block_for_ever(
    officer_client: Client, central: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    stale = RetentionRun.objects.create(
        started_at=timezone.now() - dt.timedelta(hours=7), running=True
    )

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(RUN)

    stale.refresh_from_db()
    assert stale.running is False and stale.finished_at is None
    assert RetentionRun.objects.filter(finished_at__isnull=False).count() == 1


def test_desk_staff_may_not_run_it(desk: Client, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = desk.post(RUN)

    assert response.status_code == 403
    assert queued == []
    assert RetentionRun.objects.count() == 0


def test_an_administrator_is_refused_with_a_message_and_nothing_runs(
    central: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    admin = StaffFactory.create(
        username="beheer", profile__branch=central, profile__role=StaffRole.ADMINISTRATOR
    )
    client = staff_login(Client(), admin)
    old_look(central)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(RUN, follow=True)

    assert queued == []
    assert RetentionRun.objects.count() == 0
    assert AccessLogEntry.objects.count() == 1
    assert (
        "Alleen een privacyfunctionaris kan de bewaartaak laten draaien."
        in response.content.decode()
    )


def test_the_administrator_sees_the_page_without_the_button(central: Branch) -> None:
    admin = StaffFactory.create(
        username="beheer", profile__branch=central, profile__role=StaffRole.ADMINISTRATOR
    )

    page = staff_login(Client(), admin).get(PAGE).content.decode()

    assert 'id="retention-run"' not in page
    assert "Alleen een privacyfunctionaris kan de bewaartaak nu laten draaien." in page


def test_the_nightly_job_leaves_out_while_an_officers_run_works(officer: User) -> None:
    RetentionRun.objects.create(started_at=timezone.now(), running=True, requested_by=officer)

    assert apply_retention() is None
    assert RetentionRun.objects.count() == 1


def test_the_run_is_only_run_once(
    officer: User, central: Branch, django_capture_on_commit_callbacks: Any
) -> None:
    from kaft.privacy.services.retention.run_now import retention_run_request
    from kaft.privacy.tasks import apply_retention_run

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run_request(staff=officer)
    old_look(central)

    assert apply_retention_run(run.pk) is None  # finished: not run again
    assert AccessLogEntry.objects.count() == 1
