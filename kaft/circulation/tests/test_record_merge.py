"""Merging two titles (copies, reservations and loan statistics move; the other title goes) and
deleting a title without copies. Refusals write nothing."""

from __future__ import annotations

import pytest
from django.apps import apps

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Branch, Item, Record, RecordAction, RecordEvent
from kaft.catalog.search import search_records
from kaft.catalog.services.records import record_event_write
from kaft.circulation.models import Hold, HoldStatus, Loan
from kaft.circulation.services import hold_place, loan_checkin, loan_checkout
from kaft.circulation.services.records import record_delete, record_merge
from kaft.members.models import Member, User
from tests.factories_circulation import (
    NOW,
    db_state,
    make_item,
    make_member,
    make_record,
    make_rule,
)

pytestmark = pytest.mark.django_db


def _state() -> dict[str, object]:
    return {
        **db_state(),
        "records": list(Record.objects.order_by("pk").values_list("pk", "title")),
        "item_records": list(Item.objects.order_by("pk").values_list("pk", "record_id")),
        "hold_records": list(Hold.objects.order_by("pk").values_list("pk", "record_id")),
        "loan_records": list(Loan.objects.order_by("pk").values_list("pk", "record_id")),
        "record_events": RecordEvent.objects.count(),
    }


def test_merging_moves_copies_holds_and_loan_statistics_and_deletes_the_other(
    central: Branch, member: Member, other_member: Member, staff: User
) -> None:
    # Given two records of one book: the kept one with a copy, the other with a copy that was
    # lent and returned, a copy on loan, and a reservation waiting
    make_rule()
    keep = make_record(title="De avonden")
    other = make_record(title="Avonden, De (dubbel)")
    kept_copy = make_item(record=keep, home_branch=central)
    returned = make_item(record=other, home_branch=central)
    lent = make_item(record=other, home_branch=central)
    loan_checkout(item=returned, member=member, staff=staff, branch=central, now=NOW)
    loan_checkin(item=returned, staff=staff, branch=central, now=NOW)
    loan_checkout(item=lent, member=member, staff=staff, branch=central, now=NOW)
    hold = hold_place(record=other, member=other_member, pickup_branch=central, staff=None, now=NOW)
    record_event_write(record=other, action=RecordAction.EDIT, staff=staff, branch=central)

    # When staff merge the other into the kept one
    event = record_merge(keep_id=keep.pk, other_id=other.pk, staff=staff, branch=central)

    # Then everything that pointed at the other points at the kept one, and the other is gone
    assert not Record.objects.filter(pk=other.pk).exists()
    assert set(keep.items.values_list("pk", flat=True)) == {kept_copy.pk, returned.pk, lent.pk}
    assert set(Loan.objects.values_list("record_id", flat=True)) == {keep.pk}
    hold.refresh_from_db()
    assert (hold.record_id, hold.status) == (keep.pk, HoldStatus.WAITING)
    # and the kept one's history says who merged which title, and how much moved, no member
    assert (event.record_id, event.action, event.staff_id) == (
        keep.pk,
        RecordAction.MERGE,
        staff.pk,
    )
    assert event.changes["merged"]["number"] == other.pk
    assert event.changes["merged"]["title"] == "Avonden, De (dubbel)"
    assert event.changes["moved"] == {
        "copies": 2,
        "reservations": 1,
        "loans": 2,
        "reservations_cancelled": 0,
    }
    assert set(event.changes) == {"merged", "moved"}
    assert member.card_number not in str(event.changes)
    assert member.last_name not in str(event.changes)
    assert RecordEvent.objects.filter(record=keep, action=RecordAction.EDIT).exists()
    # and the search index no longer has the other
    assert [r.pk for r in search_records(query="dubbel").records] == []


def test_a_member_with_a_reservation_on_both_keeps_the_one_further_along(
    central: Branch, member: Member, staff: User
) -> None:
    make_rule()
    keep = make_record(title="Een")
    other = make_record(title="Twee")
    make_item(record=keep, home_branch=central)
    copy = make_item(record=other, home_branch=central)
    on_keep = hold_place(record=keep, member=member, pickup_branch=central, staff=None, now=NOW)
    on_other = hold_place(record=other, member=member, pickup_branch=central, staff=None, now=NOW)
    loan_checkin(item=copy, staff=staff, branch=central, now=NOW)  # sets the copy aside
    on_other.refresh_from_db()
    assert on_other.status == HoldStatus.READY

    event = record_merge(keep_id=keep.pk, other_id=other.pk, staff=staff, branch=central)

    on_keep.refresh_from_db()
    on_other.refresh_from_db()
    assert on_keep.status == HoldStatus.CANCELLED
    assert (on_other.status, on_other.record_id) == (HoldStatus.READY, keep.pk)
    assert event.changes["moved"]["reservations_cancelled"] == 1


def test_merging_a_title_with_itself_is_refused_and_writes_nothing(
    central: Branch, staff: User
) -> None:
    record = make_record(title="Alleen")
    make_item(record=record, home_branch=central)
    before = _state()
    with pytest.raises(CatalogError) as refused:
        record_merge(keep_id=record.pk, other_id=record.pk, staff=staff, branch=central)
    assert refused.value.code == CatalogErrorCode.MERGE_SAME_RECORD
    assert _state() == before


def test_merging_a_title_that_is_gone_is_refused(central: Branch, staff: User) -> None:
    record = make_record(title="Blijft")
    before = _state()
    with pytest.raises(CatalogError) as refused:
        record_merge(keep_id=record.pk, other_id=record.pk + 1000, staff=staff, branch=central)
    assert refused.value.code == CatalogErrorCode.RECORD_NOT_FOUND
    assert _state() == before


def test_deleting_a_title_with_copies_or_open_holds_is_refused_and_writes_nothing(
    central: Branch, member: Member, staff: User
) -> None:
    make_rule()
    with_copy = make_record(title="Met exemplaar")
    make_item(record=with_copy, home_branch=central)
    held = make_record(title="Gereserveerd")
    copy = make_item(record=held, home_branch=central)
    hold_place(record=held, member=member, pickup_branch=central, staff=None, now=NOW)
    Item.objects.filter(pk=copy.pk).update(record=with_copy)  # the reservation stays, no copy
    before = _state()

    with pytest.raises(CatalogError) as refused:
        record_delete(record_id=with_copy.pk, staff=staff, branch=central)
    assert refused.value.code == CatalogErrorCode.RECORD_HAS_COPIES
    assert refused.value.params == {"count": 2}
    with pytest.raises(CatalogError) as refused:
        record_delete(record_id=held.pk, staff=staff, branch=central)
    assert refused.value.code == CatalogErrorCode.RECORD_HAS_HOLDS

    assert _state() == before


def test_deleting_a_title_without_copies_keeps_its_number_in_the_history(
    central: Branch, staff: User
) -> None:
    record = make_record(title="Niemand heeft dit", control_number="PPN-WEG")
    number = record.pk
    closed = Hold.objects.create(
        record=record,
        member=make_member(home_branch=central),
        pickup_branch=central,
        placed_at=NOW,
        status=HoldStatus.CANCELLED,
    )

    event = record_delete(record_id=number, staff=staff, branch=central)

    assert not Record.objects.filter(pk=number).exists()
    assert not Hold.objects.filter(pk=closed.pk).exists()
    assert (event.record_id, event.record_number, event.title) == (
        None,
        number,
        "Niemand heeft dit",
    )
    assert (event.action, event.staff_id) == (RecordAction.DELETE, staff.pk)
    assert search_records(query="niemand").records == []


def test_every_table_pointing_at_a_title_is_moved_by_a_merge() -> None:
    # A new table pointing at titles must be taught to the merge (and to delete)
    handled = {"catalog.Item", "catalog.RecordEvent", "circulation.Loan", "circulation.Hold"}
    handled |= {"catalog.RecordSearchRow"}  # refreshed by the search index
    pointing = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is Record
    }
    assert pointing == handled
