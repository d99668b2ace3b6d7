"""Reading a bank's returned direct debits (R-transactions): pain.002 or camt.054.

The file is parsed with lxml (no entities, no network). Its root must be an ISO 20022
``Document`` in the namespace of a payment status report (``pain.002.001.03``) or a debit
notification (``camt.054.001.02``, also ``.04`` and ``.08``), with the message type's own root
element and a message id; anything else is refused with a clear message and nothing is written.

Each rejected or returned debit names our end-to-end id and a reason code. For each one found:
the charges the debit paid are owed again (a ``refunded`` event of what the debit paid on each,
method direct debit, reason the code in words), the library's return fee is charged when it has
one (``KAFT_SEPA_RETURN_FEE``, kind ``debit_return``), and the mandate ends when the reason says
the account or the mandate is gone (:data:`DEAD_CODES`). The door then has notices tell the
member in plain words.

A file is read once: its message id is stored (a second import is refused: RETURN_FILE_SEEN,
nothing changed), and so is each debit's end-to-end id (a debit in two different files is
returned once).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kaft.billing import locks
from kaft.billing.errors import BillingError, BillingErrorCode
from kaft.billing.lifecycle import mandate_apply
from kaft.billing.models import (
    LIVE_MANDATE,
    ChargeEventKind,
    ChargeKind,
    CollectionStatus,
    Mandate,
    MandateAction,
    PaymentMethod,
    ReturnFileKind,
    SepaCollection,
    SepaReturn,
    SepaReturnFile,
)
from kaft.billing.services.charges import charge_create, charge_event_add
from kaft.members.models import User

ISO = "urn:iso:std:iso:20022:tech:xsd:"
NAMESPACES: dict[str, tuple[ReturnFileKind, str]] = {
    ISO + "pain.002.001.03": (ReturnFileKind.PAIN_002, "CstmrPmtStsRpt"),
    ISO + "camt.054.001.02": (ReturnFileKind.CAMT_054, "BkToCstmrDbtCdtNtfctn"),
    ISO + "camt.054.001.04": (ReturnFileKind.CAMT_054, "BkToCstmrDbtCdtNtfctn"),
    ISO + "camt.054.001.08": (ReturnFileKind.CAMT_054, "BkToCstmrDbtCdtNtfctn"),
}

# The reason codes of the SEPA rulebook, in plain words for the member and the finance desk.
REASONS: dict[str, Promise] = {
    "AC01": _("the account number is wrong"),
    "AC04": _("the account has been closed"),
    "AC06": _("the account is blocked"),
    "AC13": _("the account is not a consumer account"),
    "AG01": _("direct debits are not allowed on this account"),
    "AG02": _("the bank could not process the debit"),
    "AM04": _("there was not enough money in the account"),
    "AM05": _("the debit was made twice"),
    "BE05": _("the library is not known to the bank"),
    "FF01": _("the bank could not read the debit"),
    "MD01": _("the bank has no mandate for this debit"),
    "MD02": _("the mandate's details are missing or wrong"),
    "MD06": _("the account holder asked the bank to pay it back"),
    "MD07": _("the account holder has died"),
    "MS02": _("the account holder refused the debit"),
    "MS03": _("the bank gave no reason"),
    "RC01": _("the bank code is wrong"),
    "RR01": _("the bank needs more details of the account holder"),
    "RR02": _("the bank needs the account holder's name and address"),
    "RR03": _("the bank needs the library's name and address"),
    "RR04": _("of a legal reason at the bank"),
    "SL01": _("of a service the bank gives the account holder (for example a block on debits)"),
}
# Reasons that say the account or the mandate is gone: the mandate ends.
DEAD_CODES = frozenset({"AC01", "AC04", "AC06", "AC13", "AG01", "MD01", "MD07"})


def reason_words(code: str) -> str:
    """The reason code in plain words (the code itself when it is not a known one)."""
    words = REASONS.get(code)
    return str(words) if words is not None else code


@dataclass(frozen=True)
class ReturnedDebit:
    end_to_end_id: str
    reason_code: str
    amount: Decimal | None


@dataclass(frozen=True)
class ParsedReturns:
    kind: ReturnFileKind
    message_id: str
    debits: list[ReturnedDebit]


def _text(node: object, path: str, ns: dict[str, str]) -> str:
    found = node.find(path, ns)  # type: ignore[attr-defined]
    return (found.text or "").strip() if found is not None and found.text else ""


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text).quantize(Decimal("0.01")) if text else None
    except InvalidOperation:
        return None


def returns_parse(data: bytes) -> ParsedReturns:
    """Read a pain.002 or camt.054 file; BillingError for anything else (nothing written)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise BillingError(BillingErrorCode.RETURN_FILE_UNREADABLE) from None
    qname = etree.QName(root)
    if qname.localname != "Document" or qname.namespace not in NAMESPACES:
        found = f"{qname.localname} {qname.namespace or ''}".strip()
        raise BillingError(BillingErrorCode.RETURN_FILE_NOT_SEPA, found=found[:120])
    kind, message_root = NAMESPACES[qname.namespace]
    ns = {"d": qname.namespace}
    message = root.find(f"d:{message_root}", ns)
    message_id = _text(message, "d:GrpHdr/d:MsgId", ns) if message is not None else ""
    if message is None or not message_id:
        raise BillingError(
            BillingErrorCode.RETURN_FILE_NOT_SEPA, found=f"{message_root} without GrpHdr/MsgId"
        )
    debits: list[ReturnedDebit] = []
    if kind == ReturnFileKind.PAIN_002:
        for tx in message.iterfind("d:OrgnlPmtInfAndSts/d:TxInfAndSts", ns):
            if _text(tx, "d:TxSts", ns) not in ("RJCT", ""):
                continue
            debits.append(
                ReturnedDebit(
                    end_to_end_id=_text(tx, "d:OrgnlEndToEndId", ns),
                    reason_code=_text(tx, "d:StsRsnInf/d:Rsn/d:Cd", ns) or "MS03",
                    amount=_amount(_text(tx, "d:OrgnlTxRef/d:Amt/d:InstdAmt", ns)),
                )
            )
    else:
        for entry in message.iterfind("d:Ntfctn/d:Ntry", ns):
            for tx in entry.iterfind("d:NtryDtls/d:TxDtls", ns):
                code = _text(tx, "d:RtrInf/d:Rsn/d:Cd", ns)
                if not code:
                    continue  # not a return
                amount = _text(tx, "d:AmtDtls/d:TxAmt/d:Amt", ns) or _text(tx, "d:Amt", ns)
                debits.append(
                    ReturnedDebit(
                        end_to_end_id=_text(tx, "d:Refs/d:EndToEndId", ns),
                        reason_code=code,
                        amount=_amount(amount or _text(entry, "d:Amt", ns)),
                    )
                )
    return ParsedReturns(kind=kind, message_id=message_id[:35], debits=debits)


def sepa_returns_import(
    *,
    data: bytes,
    source: str = "",
    staff: User | None = None,
    now: dt.datetime | None = None,
) -> SepaReturnFile:
    """Read the returned debits in ``data`` (see the module). One transaction; locks the
    charges of each returned debit and its mandate. Refused, with nothing written: a file that
    is no pain.002/camt.054, a file read before."""
    parsed = returns_parse(data)
    now = now or timezone.now()
    if SepaReturnFile.objects.filter(message_id=parsed.message_id).exists():
        raise BillingError(BillingErrorCode.RETURN_FILE_SEEN, message_id=parsed.message_id)
    try:
        with transaction.atomic():
            return _import(parsed, source, staff, now)
    except IntegrityError:  # the same file read at the same moment elsewhere
        raise BillingError(
            BillingErrorCode.RETURN_FILE_SEEN, message_id=parsed.message_id
        ) from None


def _import(
    parsed: ParsedReturns, source: str, staff: User | None, now: dt.datetime
) -> SepaReturnFile:
    record = SepaReturnFile.objects.create(
        message_id=parsed.message_id,
        kind=parsed.kind,
        source=source[:200],
        imported_at=now,
        staff=staff,
    )
    fee = Decimal(settings.KAFT_SEPA_RETURN_FEE).quantize(Decimal("0.01"))
    returned = unknown = 0
    for debit in parsed.debits:
        collection = (
            SepaCollection.objects.select_for_update(of=("self",))
            .filter(
                end_to_end_id=debit.end_to_end_id,
                status__in=[CollectionStatus.COLLECTED, CollectionStatus.RETURNED],
            )
            .select_related("member")
            .first()
        )
        if collection is None or SepaReturn.objects.filter(collection=collection).exists():
            unknown += 1 if collection is None else 0
            continue
        words = reason_words(debit.reason_code)
        reason = f"{debit.reason_code}: {words}"
        lines = list(collection.lines.all())
        locks.charges_locked([line.charge_id for line in lines]).count()
        for line in lines:
            charge_event_add(
                charge=line.charge,
                kind=ChargeEventKind.REFUNDED,
                amount=line.amount,
                now=now,
                staff=staff,
                method=PaymentMethod.DIRECT_DEBIT,
                reason=reason,
            )
        collection.status = CollectionStatus.RETURNED
        collection.save(update_fields=["status"])
        fee_charge = None
        if fee > 0 and collection.member is not None:
            fee_charge = charge_create(
                member=collection.member,
                kind=ChargeKind.DEBIT_RETURN,
                amount=fee,
                now=now,
                staff=staff,
                note=f"{collection.end_to_end_id} {debit.reason_code}",
            )
        ended = False
        if debit.reason_code in DEAD_CODES and collection.mandate_id is not None:
            mandate = Mandate.objects.select_for_update().get(pk=collection.mandate_id)
            if mandate.status in LIVE_MANDATE:
                mandate_apply(mandate, MandateAction.BANK_END, now=now, staff=staff, reason=reason)
                ended = True
        SepaReturn.objects.create(
            file=record,
            collection=collection,
            member=collection.member,
            end_to_end_id=collection.end_to_end_id,
            reason_code=debit.reason_code[:4],
            amount=collection.amount,
            at=now,
            mandate_ended=ended,
            fee_charge=fee_charge,
        )
        returned += 1
    record.returned, record.unknown = returned, unknown
    record.save(update_fields=["returned", "unknown"])
    return record
