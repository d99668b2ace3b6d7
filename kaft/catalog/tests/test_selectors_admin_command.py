"""Record detail and branches; the admin keeps the index in step; the import-marc command."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from kaft.catalog.errors import CatalogError, CatalogErrorCode
from kaft.catalog.models import Item, ItemStatus, Record
from kaft.catalog.search import search_records
from kaft.catalog.selectors.records import branch_list, record_detail
from kaft.catalog.tests.marc_bytes import sample
from tests.factories import BranchFactory, ItemFactory, RecordFactory

pytestmark = pytest.mark.django_db


def test_record_detail_lists_items_and_availability_per_branch(
    django_assert_num_queries: pytest.FixtureRequest,
) -> None:
    centrum = BranchFactory.create(name="Centrum")
    oost = BranchFactory.create(name="Oost")
    record = RecordFactory.create()
    ItemFactory.create(record=record, home_branch=oost, barcode="3")
    ItemFactory.create(record=record, home_branch=centrum, barcode="2", status=ItemStatus.ON_LOAN)
    ItemFactory.create(record=record, home_branch=centrum, barcode="1")
    ItemFactory.create(record=record, home_branch=centrum, barcode="4", status=ItemStatus.LOST)

    with django_assert_num_queries(2):  # type: ignore[operator]
        detail = record_detail(record.pk)

    assert detail.record == record
    assert [item.barcode for item in detail.items] == ["1", "2", "4", "3"]
    assert [(a.branch.name, a.total, a.available) for a in detail.availability] == [
        ("Centrum", 2, 1),
        ("Oost", 1, 1),
    ]
    assert detail.available == 2


def test_record_detail_of_an_unknown_record_says_so() -> None:
    with pytest.raises(CatalogError) as caught, translation.override("nl"):
        record_detail(12345)

    assert caught.value.code == CatalogErrorCode.RECORD_NOT_FOUND
    assert caught.value.message == "Deze titel staat niet in de catalogus."


def test_branch_list_is_ordered_by_name() -> None:
    BranchFactory.create(name="Zuid")
    BranchFactory.create(name="Centrum")

    assert [branch.name for branch in branch_list()] == ["Centrum", "Zuid"]


def test_saving_and_deleting_in_the_admin_updates_the_index(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/catalog/record/add/",
        {
            "title": "Tuinieren op het balkon",
            "material_type": "book",
            "audience": "adult",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    record = Record.objects.get()
    assert [r.pk for r in search_records(query="balkon").records] == [record.pk]

    admin_client.post(f"/admin/catalog/record/{record.pk}/delete/", {"post": "yes"})

    assert Record.objects.count() == 0
    assert search_records(query="balkon").total == 0


@pytest.mark.parametrize("page", ["branch", "record", "item"])
def test_admin_lists_open(admin_client: Client, page: str) -> None:
    ItemFactory.create()

    assert admin_client.get(f"/admin/catalog/{page}/").status_code == 200


def test_command_imports_and_prints_a_summary_with_each_error() -> None:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(
            "import_marc",
            str(sample("marc.dat")),
            str(sample("bad_records.mrc")),
            "--no-progress",
            stdout=out,
            stderr=err,
        )

    summary = out.getvalue().splitlines()
    assert re.fullmatch(
        r"Records read: 28; new: 21; updated: 6; items made: 0 \(\d+ records/s\)\.", summary[0]
    )
    assert summary[1:] == [
        "Holdings skipped (by location): 0.",
        "Refused (by reason): 1 — no_fields 1.",
        "Warnings: 5.",
    ]
    lines = err.getvalue().splitlines()
    assert len(lines) == 6
    assert lines[0] == f"{sample('bad_records.mrc')}:7: The record has no fields."
    assert lines[1] == (
        f"{sample('bad_records.mrc')}:2: The leader or directory of the record was damaged; "
        "the record was read from its field terminators. Check it. (warning)"
    )


def test_command_creates_items_at_the_branch_given_by_isil() -> None:
    branch = BranchFactory.create(isil="NL-UtrCB")

    call_command(
        "import_marc",
        str(sample("test.dat")),
        "--branch",
        "nl-utrcb",
        "--items",
        "2",
        "--no-progress",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert Item.objects.filter(home_branch=branch).count() == 20


def test_command_refuses_an_unknown_branch_and_writes_nothing() -> None:
    with pytest.raises(CommandError, match="NL-Nergens"), translation.override("en"):
        call_command("import_marc", str(sample("test.dat")), "--branch", "NL-Nergens")

    assert Record.objects.count() == 0


def test_command_fails_when_a_file_cannot_be_read(tmp_path: Path) -> None:
    noise = tmp_path / "noise.bin"
    noise.write_bytes(b"\x00\xff" * 100)

    with pytest.raises(CommandError) as caught, translation.override("en"):
        call_command(
            "import_marc",
            str(noise),
            str(sample("one.dat")),
            "--no-progress",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert caught.value.returncode == 1
    assert str(caught.value) == f"Could not read: {noise}"
    assert Record.objects.count() == 1  # the readable file was still imported
