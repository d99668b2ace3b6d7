"""The OpenAPI document and the interactive documentation page, on Kaft's own files."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_openapi_document_lists_every_operation_with_its_refusals() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: operation
        for path in document["paths"].values()
        for operation in path.values()
    }
    assert set(operations) == {
        "records_search",
        "record_get",
        "item_get",
        "me_get",
        "me_loans",
        "me_loan_renew",
        "me_holds",
        "me_hold_place",
        "me_hold_cancel",
        "me_charges",
        "member_status",
        "circulation_checkin",
        "circulation_checkout",
    }
    for operation in operations.values():
        assert {"401", "403", "422", "429"} <= set(operation["responses"])
    assert "304" in operations["records_search"]["responses"]
    assert "409" in operations["circulation_checkout"]["responses"]


def test_the_docs_page_loads_only_kafts_own_files_under_kafts_policy() -> None:
    page = Client().get("/api/v1/docs/")
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert page.status_code == 200
    assert sources and all(source.startswith("/static/ninja/") for source in sources)
    for source in sources:
        assert finders.find(source.removeprefix("/static/")) is not None, source
    assert "<script>" not in html  # no inline script: only files and a JSON data block
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "img-src 'self' data:" in policy
    assert "unsafe" not in policy
    # Elsewhere the policy is Kaft's own, without data: images.
    assert "data:" not in Client().get("/")["Content-Security-Policy"]
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] == ["'self'"]
