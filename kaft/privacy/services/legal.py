"""Requests from police or justice for a member's data: registered at the desk, decided by a
privacy officer who did not register them, and, once approved, answered with exactly the data in
scope (the chosen categories, the rows of the chosen period) and recorded as a disclosure.

Lock discipline: :func:`legal_request_decide` locks the request (``select_for_update``) so two
officers cannot both decide it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from kaft.core.crypto import is_sealed, stored_copy, unseal
from kaft.members.models import Member, StaffProfile, StaffRole, User
from kaft.privacy import registry
from kaft.privacy.errors import PrivacyError, PrivacyErrorCode
from kaft.privacy.models import LegalRequest, LegalRequestStatus
from kaft.privacy.services.disclosure import categories_clean, disclosure_record
from kaft.privacy.services.parties import Others, is_person, others_of

DECIDING_ROLES = (StaffRole.PRIVACY_OFFICER, StaffRole.ADMINISTRATOR)

# The field that places a row of a table in time: a row is in scope when it falls in the period.
# Tables not named here use their first registered date-and-time field; tables without one (the member's
# current details, addresses, preferences) are state and are given as they are now.
PERIOD_FIELDS: dict[str, str | None] = {
    "circulation.Loan": "checked_out_at",
    "circulation.Hold": "placed_at",
    "notices.Notice": "created_at",
    "members.MemberNote": "created_at",
    "members.FamilyAccess": "requested_at",
    "members.GuardianLink": "recorded_at",
    "members.IdentityChangeRequest": "requested_at",
    "privacy.Consent": None,
    "privacy.ErasureRequest": "requested_at",
    "members.User": None,
    "members.Member": None,
}
# What makes a row readable beyond its registered fields (the title of a loaned copy).
EXTRA_FIELDS: dict[str, dict[str, str]] = {
    "circulation.Loan": {"title": "item__record__title", "barcode": "item__barcode"},
    "circulation.Hold": {"title": "record__title"},
}
# Never handed over: secrets that identify nobody and prove nothing.
NEVER = frozenset({"password", "code_hash", "session_data"})


def _staff_role(staff: User) -> str:
    profile = StaffProfile.objects.filter(user_id=staff.pk).only("role").first()
    return profile.role if profile else ""


@transaction.atomic
def legal_request_register(
    *,
    authority: str,
    reference: str,
    legal_basis: str,
    member: Member,
    categories: Iterable[str],
    period_start: dt.date,
    period_end: dt.date,
    non_disclosure_until: dt.date | None,
    staff: User,
) -> LegalRequest:
    """Register a request; it waits for a privacy officer (any staff member may register)."""
    values = categories_clean(categories)
    if not legal_basis.strip():
        raise PrivacyError(PrivacyErrorCode.DISCLOSURE_NO_LEGAL_BASIS)
    if period_start > period_end:
        raise PrivacyError(PrivacyErrorCode.LEGAL_PERIOD_ORDER)
    return LegalRequest.objects.create(
        authority=authority.strip(),
        reference=reference.strip(),
        legal_basis=legal_basis.strip(),
        member=member,
        categories=values,
        period_start=period_start,
        period_end=period_end,
        non_disclosure_until=non_disclosure_until,
        registered_by=staff,
        registered_at=timezone.now(),
    )


@transaction.atomic
def legal_request_decide(
    *, request: LegalRequest, staff: User, approve: bool, reason: str
) -> LegalRequest:
    """Approve or refuse ``request`` (locked). Only a privacy officer or administrator who did not
    register it may decide. Approved: the scoped data is produced and kept on the request, and a
    disclosure is recorded with the request's legal basis and its non-disclosure order. Refused:
    nothing is produced or disclosed."""
    if _staff_role(staff) not in DECIDING_ROLES:
        raise PrivacyError(PrivacyErrorCode.LEGAL_NOT_PRIVACY_OFFICER)
    locked = LegalRequest.objects.select_for_update().get(pk=request.pk)
    if locked.registered_by_id == staff.pk:
        raise PrivacyError(PrivacyErrorCode.LEGAL_SAME_STAFF)
    if locked.status != LegalRequestStatus.REGISTERED:
        raise PrivacyError(PrivacyErrorCode.LEGAL_ALREADY_DECIDED)
    if not reason.strip():
        raise PrivacyError(PrivacyErrorCode.LEGAL_REASON_REQUIRED)
    locked.decided_by = staff
    locked.decided_at = timezone.now()
    locked.decision_reason = reason.strip()
    if approve:
        locked.status = LegalRequestStatus.APPROVED
        locked.produced = legal_scope_data(locked)
        disclosure_record(
            member=locked.member,
            categories=locked.categories,
            recipient=locked.authority,
            purpose=locked.reference,
            legal_basis=locked.legal_basis,
            staff=staff,
            legal_request=locked,
            hidden_until=locked.non_disclosure_until,
        )
    else:
        locked.status = LegalRequestStatus.REFUSED
    locked.save()
    return locked


def _start_of(day: dt.date) -> dt.datetime | None:
    """Midnight at the start of ``day`` here, or None when that moment cannot be written in UTC
    (the first day of year 1 starts before it, in a time zone east of Greenwich)."""
    moment = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        return None
    return moment


def _bounds(request: LegalRequest) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The period as [start, end) moments; None for an end that is open because the period runs
    from the first or to the last day a date can have (0001-01-01, 9999-12-31): nothing lies
    beyond those, so there is nothing to leave out."""
    start = _start_of(request.period_start)
    end = None
    if request.period_end < dt.date.max:
        end = _start_of(request.period_end + dt.timedelta(days=1))
    return start, end


def _period_field(entry: registry.PersonalTable, model: type[models.Model]) -> str | None:
    if entry.model in PERIOD_FIELDS:
        return PERIOD_FIELDS[entry.model]
    for name in entry.fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            return name
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _value(entry: registry.PersonalTable, obj: models.Model, name: str, others: Others) -> Any:
    """One field of a row as handed over: a link to a person as a role (or the member in scope),
    a field naming someone else as their role, an encrypted value sealed, free text scrubbed of
    other people's names."""
    field = obj._meta.get_field(name)
    if is_person(field):
        target_id = getattr(obj, cast("models.Field[Any, Any]", field).attname)
        own_login = target_id is not None and target_id == others.member.user_id
        if field.related_model is User and own_login:
            return getattr(obj, name).get_username()
        return others.role_of(entry, name, target_id)
    if name in entry.roles:
        return entry.roles[name].value if getattr(obj, name) else ""
    value = _jsonable(stored_copy(obj, name))
    if isinstance(value, str) and not is_sealed(value) and not getattr(field, "choices", None):
        return others.scrub(value)
    return value


def _rows(
    entry: registry.PersonalTable, request: LegalRequest, fields: list[str], others: Others
) -> list[Any]:
    model = entry.model_class
    paths = list(entry.member_paths)
    match = Q()
    for path in paths:
        match |= Q(**{path: request.member.pk})
    queryset = model._default_manager.filter(match)
    when = _period_field(entry, model)
    if when is not None:
        start, end = _bounds(request)
        field = model._meta.get_field(when)
        if isinstance(field, models.DateTimeField):
            if start is not None:
                queryset = queryset.filter(**{f"{when}__gte": start})
            if end is not None:
                queryset = queryset.filter(**{f"{when}__lt": end})
        else:
            queryset = queryset.filter(
                **{f"{when}__gte": request.period_start, f"{when}__lte": request.period_end}
            )
        queryset = queryset.order_by(when, "pk")
    else:
        queryset = queryset.order_by("pk")
    relations = [
        name
        for name in fields
        if model._meta.get_field(name).is_relation and not is_person(model._meta.get_field(name))
    ]
    extra = EXTRA_FIELDS.get(entry.model, {})
    related = relations + ["__".join(p.split("__")[:-1]) for p in extra.values()]
    if "user" in fields and entry.model == "members.Member":
        related.append("user")
    queryset = queryset.select_related(*[r for r in related if r])
    rows = []
    for obj in queryset:
        row: dict[str, Any] = {}
        for name in fields:
            row[name] = _value(entry, obj, name, others)
        for label, path in extra.items():
            *steps, last = path.split("__")
            holder: Any = obj
            for step in steps:
                holder = getattr(holder, step, None) if holder is not None else None
            row[label] = _jsonable(stored_copy(holder, last)) if holder is not None else None
        rows.append(row)
    return rows


def legal_scope_data(request: LegalRequest) -> dict[str, Any]:
    """Exactly the data in the request's scope: per chosen category, per registered table, the
    fields of that category of the rows in the period. The link to the member itself is left
    out, unless a table links two people (family access, a guardian): then each side is given as
    "member" or by the other person's role.

    Only the member in scope is identified: anyone else appears as a role (``PartyRole``), also
    in free text, so erasing that person later leaves nothing of them here. A value encrypted at
    rest stays sealed in the stored data (``kaft.core.crypto.stored_copy``); the download opens
    it."""
    others = others_of(request.member)
    data: dict[str, Any] = {}
    for category in request.categories:
        tables: dict[str, Any] = {}
        for entry in registry.entries():
            if not entry.export or not entry.member_paths:
                continue
            two_sided = len(entry.member_paths) > 1
            fields = [
                name
                for name, cat in entry.fields.items()
                if cat == category
                and name not in NEVER
                and (two_sided or name not in entry.member_paths)
            ]
            if not fields:
                continue
            tables[entry.model] = _rows(entry, request, fields, others)
        data[category] = tables
    return {
        "request": {
            "authority": request.authority,
            "reference": request.reference,
            "legal_basis": request.legal_basis,
            "period_start": request.period_start.isoformat(),
            "period_end": request.period_end.isoformat(),
            "categories": list(request.categories),
        },
        "produced_at": timezone.now().isoformat(),
        "data": data,
    }


def legal_produced_handover(request: LegalRequest) -> dict[str, Any]:
    """The produced data as it is handed to the authority: encrypted values opened. Only here,
    at the moment the data leaves Kaft; the stored copy stays sealed."""
    return cast(dict[str, Any], unseal(request.produced or {}))
