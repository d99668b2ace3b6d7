"""Members who pay by direct debit, for the SEPA tests: a creditor in the settings, a mandate
signed through the service, a membership fee charged by renewal, announced and collected."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.test import override_settings

from kaft.billing.creditor import creditor_id_with_check_digits
from kaft.billing.models import Charge, Mandate, MandateVia, SepaCollection
from kaft.billing.services.fees import membership_renew
from kaft.billing.services.mandates import mandate_sign
from kaft.members.models import Member, MemberCategory, User
from tests.factories import MemberCategoryFactory, MemberFactory

CREDITOR_ID = creditor_id_with_check_digits("12345678")  # NL69ZZZ123456780000
IBANS = ["NL91ABNA0417164300", "NL44RABO0123456789", "NL20INGB0001234567", "NL26BUNQ2291234560"]
CREDITOR: dict[str, Any] = {
    "KAFT_SEPA_CREDITOR_ID": CREDITOR_ID,
    "KAFT_SEPA_CREDITOR_NAME": "Stichting Bibliotheek Kaft",
    "KAFT_SEPA_CREDITOR_IBAN": "NL02ABNA0123456789",
    "KAFT_SEPA_CREDITOR_BIC": "ABNANL2A",
    "KAFT_SEPA_PRENOTICE_DAYS": 14,
    "KAFT_SEPA_RETURN_FEE": Decimal("0.00"),
    "KAFT_SEPA_CHARGE_KINDS": ("membership",),
}


def creditor(**changes: Any) -> Any:
    """The settings of a library that collects by direct debit (override_settings)."""
    return override_settings(**{**CREDITOR, **changes})


def adult_category() -> MemberCategory:
    return MemberCategoryFactory.create(
        code="adult", name="Volwassene", annual_fee=Decimal("52.00")
    )


def payer(
    *,
    iban: str = IBANS[0],
    signed_on: dt.date = dt.date(2026, 11, 2),
    staff: User | None = None,
    end: dt.date | None = dt.date(2026, 12, 31),
    **member: Any,
) -> tuple[Member, Mandate, Charge]:
    """A member with a mandate (on paper) and the fee of their next year charged."""
    category = member.pop("category", None) or adult_category()
    person = MemberFactory.create(category=category, membership_end=end, **member)
    mandate = mandate_sign(
        member=person, iban=iban, signed_on=signed_on, via=MandateVia.PAPER, staff=staff
    )
    renewal = membership_renew(member=person, today=dt.date(2026, 12, 7))
    assert renewal.charge is not None
    return person, mandate, renewal.charge


def fix_end_to_end_ids(collection_date: dt.date) -> list[str]:
    """Give the announced debits the end-to-end ids the sample bank files answer to."""
    ids = []
    for n, collection in enumerate(
        SepaCollection.objects.filter(collection_date=collection_date).order_by("pk"), start=1
    ):
        collection.end_to_end_id = f"KAFT-{collection_date:%Y%m%d}-{n:016d}"
        collection.save(update_fields=["end_to_end_id"])
        ids.append(collection.end_to_end_id)
    return ids


def files_storage_in(path: Any) -> Any:
    """Settings that put ``storages["files"]`` in ``path`` (a test's own folder)."""
    from django.conf import settings

    return override_settings(
        STORAGES={
            **settings.STORAGES,
            "files": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(path)},
            },
        }
    )


NOW_FOR_SEPA = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
COLLECT_ON = dt.date(2027, 1, 15)


def pain_002(end_to_end_ids: list[str], code: str = "AM04", message_id: str = "PSR-1") -> bytes:
    """A bank's payment status report rejecting the debits ``end_to_end_ids`` with ``code``."""
    txs = "".join(
        f"<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts>"
        f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf></TxInfAndSts>"
        for e2e in end_to_end_ids
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>'
        f"<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>2027-01-15T06:00:00</CreDtTm></GrpHdr>"
        "<OrgnlGrpInfAndSts><OrgnlMsgId>X</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId>"
        f"</OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>X</OrgnlPmtInfId>{txs}"
        "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def queue_prenotice(member: Member, *, iban: str = IBANS[0]) -> None:
    """``member`` signs a mandate, is renewed and announced; the pre-notification is queued."""
    from kaft.billing.services.sepa_run import sepa_announce
    from kaft.notices.services.collections import notices_queue_sepa_prenotices

    with creditor():
        mandate_sign(member=member, iban=iban, signed_on=dt.date(2026, 11, 2), via=MandateVia.PAPER)
        membership_renew(member=member, today=dt.date(2026, 12, 7))
        sepa_announce(collection_date=COLLECT_ON, now=NOW_FOR_SEPA)
        notices_queue_sepa_prenotices(collection_date=COLLECT_ON, now=NOW_FOR_SEPA)


def queue_debit_returned(member: Member, *, iban: str = IBANS[1]) -> None:
    """``member``'s announced fee is collected and comes back (AM04); the member is told, and
    pays at the desk."""
    import tempfile

    from kaft.billing.services.sepa_returns import sepa_returns_import
    from kaft.billing.services.sepa_run import sepa_run
    from kaft.notices.services.collections import notices_queue_debit_returned

    if not SepaCollection.objects.filter(member=member).exists():
        queue_prenotice(member, iban=iban)
    with creditor(), tempfile.TemporaryDirectory() as folder, files_storage_in(folder):
        sepa_run(collection_date=COLLECT_ON, now=NOW_FOR_SEPA)
        ids = list(
            SepaCollection.objects.filter(member=member).values_list("end_to_end_id", flat=True)
        )
        report = sepa_returns_import(data=pain_002(ids, message_id=f"PSR-{member.pk}"))
        notices_queue_debit_returned(return_file=report)
    # ... and pays at the desk, so that nothing is owed any more
    from kaft.billing.models import PaymentMethod
    from kaft.billing.selectors.charges import member_owed
    from kaft.billing.services.payments import payment_take

    payment_take(member=member, amount=member_owed(member), method=PaymentMethod.PIN)


# One folder for the files storage of tests that make a run in one step and download it in
# another (the desk's access-log walk).
TEST_FILES = Path(tempfile.gettempdir()) / "kaft-test-sepa-files"


def collected_run(member: Member) -> int:
    """``member`` signs, is charged, announced and collected; the run's id (its file in
    :data:`TEST_FILES`)."""
    from kaft.billing.services.sepa_run import sepa_run

    if not SepaCollection.objects.filter(member=member).exists():
        queue_prenotice(member)
    with creditor(), files_storage_in(TEST_FILES):
        return sepa_run(collection_date=COLLECT_ON, now=NOW_FOR_SEPA).pk
