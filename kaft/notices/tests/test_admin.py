"""The outbox admin: read-only, with one action that sends given-up messages again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.utils import translation

from kaft.notices.admin import NoticeAdmin
from kaft.notices.lifecycle import MAX_ATTEMPTS
from kaft.notices.models import Notice, NoticeProblem, NoticeStatus
from kaft.notices.services.outbox import notice_queue_hold_ready
from tests.factories_notices import make_member, make_ready_hold

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)


def test_send_again_only_takes_messages_that_were_given_up():
    given_up = notice_queue_hold_ready(hold=make_ready_hold(), now=NOW)
    no_address = notice_queue_hold_ready(
        hold=make_ready_hold(member=make_member(email="")), now=NOW
    )
    assert given_up is not None and no_address is not None
    Notice.objects.filter(pk=given_up.pk).update(
        status=NoticeStatus.FAILED, problem=NoticeProblem.TOO_MANY_ATTEMPTS, attempts=MAX_ATTEMPTS
    )
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    model_admin = NoticeAdmin(Notice, admin.site)

    with translation.override("nl"):  # no middleware here: earlier tests may have left "en" on
        model_admin.send_again(request, Notice.objects.order_by("pk"))
        messages = [str(m) for m in get_messages(request)]

    assert messages == [
        f"#{no_address.pk}: Alleen een bericht dat na meerdere pogingen niet verstuurd kon "
        "worden, of waarvan niet zeker is of het is aangekomen, kan opnieuw worden verstuurd.",
        "1 bericht wordt opnieuw verstuurd.",
    ]
    statuses = dict(Notice.objects.values_list("pk", "status"))
    assert statuses == {given_up.pk: NoticeStatus.PENDING, no_address.pk: NoticeStatus.FAILED}
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_delete_permission(request) is False


def test_a_message_set_aside_as_uncertain_can_be_sent_again_by_staff():
    notice = notice_queue_hold_ready(hold=make_ready_hold(), now=NOW)
    assert notice is not None
    Notice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.FAILED, problem=NoticeProblem.DELIVERY_UNCERTAIN
    )
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]

    NoticeAdmin(Notice, admin.site).send_again(request, Notice.objects.filter(pk=notice.pk))

    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.PENDING


def test_the_admin_shows_no_address_and_no_text_of_a_message(admin_client):
    notice = notice_queue_hold_ready(hold=make_ready_hold(), now=NOW)
    assert notice is not None

    page = admin_client.get(f"/admin/notices/notice/{notice.pk}/change/").content.decode()

    assert page.count("Uw reservering ligt klaar") == 0
    assert notice.recipient not in page
    assert notice.body.splitlines()[0] not in page
