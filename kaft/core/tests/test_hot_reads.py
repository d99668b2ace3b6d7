"""The session and the logged-in user are read on every request by statements built once
(kaft.core.rawsql): they must read what the ORM reads, and nothing more."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kaft.core.sessions import SessionStore
from kaft.members.auth import StaffBackend, user_with_staff_profile
from kaft.members.models import Member, User
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_staff_user_is_read_with_profile_and_branch_in_one_statement() -> None:
    staff = cast(User, StaffFactory(username="balie1"))
    expected = User.objects.select_related("staff_profile__branch").get(pk=staff.pk)

    with CaptureQueriesContext(connection) as queries:
        user = user_with_staff_profile(staff.pk)
        assert user is not None
        profile = user.staff_profile
        seen = (profile.role, profile.branch.name, profile.user is user)

    assert len(queries) == 1
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(user, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert user.last_login == expected.last_login and user.date_joined.tzinfo is not None
    assert seen == (expected.staff_profile.role, expected.staff_profile.branch.name, True)


def test_a_members_account_has_no_profile_and_asks_for_none() -> None:
    user = cast(Member, MemberFactory()).user
    assert user is not None

    with CaptureQueriesContext(connection) as queries:
        loaded = user_with_staff_profile(user.pk)
        assert loaded is not None
        with pytest.raises(User.staff_profile.RelatedObjectDoesNotExist):
            loaded.staff_profile  # noqa: B018

    assert len(queries) == 1
    assert user_with_staff_profile(user.pk + 1000) is None
    assert StaffBackend().get_user("not a number") is None


def test_a_session_is_read_until_it_expires() -> None:
    store = SessionStore()
    store["desk_member_id"] = 7
    store.create()
    key = store.session_key

    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(session_key=key).load() == {"desk_member_id": 7}
    assert len(queries) == 1

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    gone = SessionStore(session_key=key)
    assert gone.load() == {}
    assert gone.session_key is None  # a new one is made on the next save, as Django does
    assert SessionStore(session_key="no-such-session-key-at-all").load() == {}


def test_a_web_worker_freezes_what_it_loaded_out_of_the_collectors_sight() -> None:
    # Full garbage collections over Django's and Kaft's own objects were the slowest scans.
    import subprocess
    import sys

    code = "import gc, kaft.wsgi; print(gc.get_freeze_count())"
    frozen = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert int(frozen) > 10_000
