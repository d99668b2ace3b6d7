"""``POST /api/iso18626``: a partner's message is checked, applied and confirmed; a malformed,
foreign, unauthenticated or unknown one gets an ISO 18626 error and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from kaft.interlibrary import iso18626
from kaft.interlibrary.models import (
    IllRole,
    IllStatus,
    InterlibraryEvent,
    InterlibraryRequest,
    OutgoingMessage,
)
from kaft.interlibrary.tests.loop import Loop

pytestmark = pytest.mark.django_db
URL = "/api/iso18626"
HEADER = iso18626.Header("NL-Sup", "NL-Req", "NL-Req-0001")


def _post(client: Client, body: bytes, secret: str = "s3cret-sup") -> Any:
    return client.post(
        URL, data=body, content_type="application/xml", headers={"X-ISO18626-Secret": secret}
    )


def _error(response: Any) -> tuple[str, str, str]:
    root = etree.fromstring(response.content)
    assert iso18626.schema().validate(root)
    ns = {"i": iso18626.NS}
    return (
        etree.QName(root[0]).localname,
        root.findtext(".//i:messageStatus", namespaces=ns),
        root.findtext(".//i:errorType", namespaces=ns) or "",
    )


def _nothing_changed() -> None:
    assert not InterlibraryRequest.objects.exists()
    assert not InterlibraryEvent.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_a_partner_request_arrives_on_the_pick_list(client: Client, loop: Loop) -> None:
    body = iso18626.build_request(header=HEADER, title="Het Achterhuis", isbn="9789044")
    response = _post(client, body)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert _error(response) == ("requestConfirmation", "OK", "")
    request = InterlibraryRequest.objects.get()
    assert (request.role, request.status) == (IllRole.SUPPLYING, IllStatus.REQUEST_RECEIVED)
    assert (request.partner, request.branch) == (loop.requester_partner, loop.supplier)
    assert request.title == "Het Achterhuis" and request.requesting_id == "NL-Req-0001"
    # The same request again: answered the same, not made twice.
    assert _post(client, body).status_code == 200
    assert InterlibraryRequest.objects.count() == 1


def test_patron_data_in_a_partner_request_is_not_kept(client: Client, loop: Loop) -> None:
    body = iso18626.build_request(
        header=HEADER, title="T", patron=iso18626.Patron(patron_id="P-1", surname="Jansen")
    )
    assert _post(client, body).status_code == 200
    request = InterlibraryRequest.objects.get()
    stored = " ".join(str(v) for v in InterlibraryRequest.objects.values().get().values())
    assert "Jansen" not in stored and "P-1" not in stored
    assert request.member is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<niet-eens-xml",
        b"<ISO18626Message/>",
        iso18626.build_request(header=HEADER, title="T").replace(
            iso18626.NS.encode(), b"urn:other"
        ),
        iso18626.build_request(header=HEADER, title="T").replace(b"Loan", b"Steal"),
    ],
)
def test_malformed_or_wrong_schema_messages_are_refused(
    client: Client, loop: Loop, body: bytes
) -> None:
    response = _post(client, body)
    assert response.status_code == 400
    kind, status, error = _error(response)
    assert (status, error) == ("ERROR", "BadlyFormedMessage")
    _nothing_changed()


@pytest.mark.parametrize("secret", ["", "wrong", "s3cret-sup "])
def test_a_message_without_the_partner_secret_is_refused(
    client: Client, loop: Loop, secret: str
) -> None:
    response = _post(client, iso18626.build_request(header=HEADER, title="T"), secret=secret)
    assert response.status_code == 403
    assert _error(response) == ("requestConfirmation", "ERROR", "UnrecognisedDataValue")
    _nothing_changed()


def _error_value(response: Any) -> str:
    root = etree.fromstring(response.content)
    return root.findtext(".//i:errorValue", namespaces={"i": iso18626.NS}) or ""


def test_an_unknown_partner_or_library_is_refused(client: Client, loop: Loop) -> None:
    # An agency that is no partner gets the very answer of a wrong secret: nothing tells an
    # outsider which libraries are partners.
    nobody = _post(
        client,
        iso18626.build_request(header=iso18626.Header("NL-Sup", "NL-Nobody", "x-1"), title="T"),
    )
    wrong = _post(client, iso18626.build_request(header=HEADER, title="T"), secret="raden")
    assert nobody.status_code == wrong.status_code == 403
    assert _error(nobody) == _error(wrong) and _error_value(nobody) == _error_value(wrong)
    # A partner addressing a library that is not ours: refused, naming the element.
    response = _post(
        client,
        iso18626.build_request(header=iso18626.Header("NL-Nobody", "NL-Req", "x-2"), title="T"),
    )
    assert response.status_code == 400
    assert _error(response)[1:] == ("ERROR", "UnrecognisedDataValue")
    assert _error_value(response) == "supplyingAgencyId"
    loop.requester_partner.active = False
    loop.requester_partner.save()
    response = _post(client, iso18626.build_request(header=HEADER, title="T"))
    assert _error(response)[1:] == ("ERROR", "UnrecognisedDataValue")
    _nothing_changed()


def test_a_message_about_an_unknown_request_or_a_refused_move_changes_nothing(
    client: Client, loop: Loop
) -> None:
    response = _post(client, iso18626.build_requesting_message(header=HEADER, action="Renew"))
    assert _error(response) == (
        "requestingAgencyMessageConfirmation",
        "ERROR",
        "UnrecognisedDataValue",
    )
    _nothing_changed()
    _post(client, iso18626.build_request(header=HEADER, title="T"))
    before = list(InterlibraryEvent.objects.values_list("pk", flat=True))
    # Received before anything was shipped: the table refuses it.
    response = _post(client, iso18626.build_requesting_message(header=HEADER, action="Received"))
    assert response.status_code == 400
    assert _error(response)[2] == "UnrecognisedDataValue"
    assert list(InterlibraryEvent.objects.values_list("pk", flat=True)) == before
    assert InterlibraryRequest.objects.get().status == IllStatus.REQUEST_RECEIVED


def test_a_confirmation_sent_to_us_is_no_message(client: Client, loop: Loop) -> None:
    body = iso18626.build_confirmation(kind="request", header=HEADER, received_at=timezone.now())
    response = _post(client, body)
    assert _error(response)[1:] == ("ERROR", "UnsupportedActionType")
    _nothing_changed()


def test_other_methods_do_not_answer_500(client: Client) -> None:
    assert client.get(URL).status_code == 405


def test_two_partners_may_use_the_same_request_number(client: Client, loop: Loop) -> None:
    from kaft.interlibrary.models import LibraryPartner

    LibraryPartner.objects.create(
        name="Nog een", isil="NL-Other", endpoint_url="http://other.test/x", secret="ander"
    )
    first = _post(client, iso18626.build_request(header=HEADER, title="Een"))
    other = iso18626.Header("NL-Sup", "NL-Other", HEADER.requesting_request_id)
    second = _post(client, iso18626.build_request(header=other, title="Twee"), secret="ander")
    assert first.status_code == second.status_code == 200
    assert sorted(InterlibraryRequest.objects.values_list("title", flat=True)) == ["Een", "Twee"]
    # the same number again from the first partner is the same request, answered the same
    again = _post(client, iso18626.build_request(header=HEADER, title="Een"))
    assert again.status_code == 200 and InterlibraryRequest.objects.count() == 2


def test_a_request_number_too_long_to_keep_is_refused_not_cut(client: Client, loop: Loop) -> None:
    long = iso18626.Header("NL-Sup", "NL-Req", "NL-Req-" + "9" * 80)
    response = _post(client, iso18626.build_request(header=long, title="T"))
    assert response.status_code == 400
    assert _error_value(response) == "requestingAgencyRequestId"
    _nothing_changed()


def test_an_action_kaft_does_not_support_is_answered_as_such(client: Client, loop: Loop) -> None:
    _post(client, iso18626.build_request(header=HEADER, title="T"))
    before = list(InterlibraryEvent.objects.values_list("pk", flat=True))
    response = _post(
        client, iso18626.build_requesting_message(header=HEADER, action="ShippedForward")
    )
    assert response.status_code == 400
    assert _error(response)[2] == "UnsupportedActionType"
    assert list(InterlibraryEvent.objects.values_list("pk", flat=True)) == before
    refused = _post(client, iso18626.build_requesting_message(header=HEADER, action="Received"))
    assert _error(refused)[2] == "UnrecognisedDataValue" and _error_value(refused) == "action"


def test_a_message_with_a_document_type_declaration_is_refused_not_a_500(
    client: Client, loop: Loop
) -> None:
    body = iso18626.build_request(header=HEADER, title="TITEL")
    start = body.index(b"<ill:ISO18626Message")
    body = (
        body[:start]
        + b'<!DOCTYPE ISO18626Message [<!ENTITY e "x">]>'
        + body[start:].replace(b"TITEL", b"&e;")
    )
    response = _post(client, body)
    assert response.status_code == 400
    assert _error(response)[1:] == ("ERROR", "BadlyFormedMessage")
    _nothing_changed()
