"""Privacy services other domains and doors call. Every look from the desk goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from kaft.catalog.models import Branch
from kaft.members.models import Member, StaffProfile, User
from kaft.privacy.models import AccessLogEntry, AccessPurpose, DataPart, MachineRole


def access_log_record(
    *,
    staff: User,
    member: Member,
    parts: Iterable[DataPart],
    branch: Branch | None,
    purpose: AccessPurpose = AccessPurpose.DESK,
) -> list[AccessLogEntry]:
    """Write one access-log entry per part of ``member``'s data that ``staff`` is shown."""
    return access_log_record_many(
        staff=staff, members=[member], parts=parts, branch=branch, purpose=purpose
    )


def access_log_record_many(
    *,
    staff: User,
    members: Iterable[Member],
    parts: Iterable[DataPart],
    branch: Branch | None,
    purpose: AccessPurpose = AccessPurpose.DESK,
) -> list[AccessLogEntry]:
    """The same for several members shown at once (a result list): one insert for all."""
    now = timezone.now()
    unique_parts = list(dict.fromkeys(parts))
    try:
        profile: StaffProfile | None = staff.staff_profile  # cached by the desk door
    except StaffProfile.DoesNotExist:
        profile = None
    role = profile.role if profile else ""
    name = (profile.display_name if profile else "") or ""
    entries = [
        AccessLogEntry(
            staff=staff,
            staff_role=role,
            staff_name=name,
            member=member,
            branch=branch,
            part=part,
            purpose=purpose,
            at=now,
        )
        for member in members
        for part in unique_parts
    ]
    return AccessLogEntry.objects.bulk_create(entries) if entries else []


def access_log_record_machine(
    *,
    role: MachineRole,
    name: str,
    members: Iterable[Member],
    parts: Iterable[DataPart],
    branch: Branch | None,
    purpose: AccessPurpose,
) -> list[AccessLogEntry]:
    """A look by a machine, not a person: a self-service kiosk (``role`` KIOSK, ``name`` the
    kiosk account's name, ``branch`` its branch) or a system using the API (``role`` APP,
    ``name`` the client's name). One entry per member and part, in one insert. The member is
    always shown the name (see :class:`~kaft.privacy.models.MachineRole`)."""
    now = timezone.now()
    unique_parts = list(dict.fromkeys(parts))
    entries = [
        AccessLogEntry(
            staff=None,
            staff_role=role.value,
            staff_name=name[:80],
            member=member,
            branch=branch,
            part=part,
            purpose=purpose,
            at=now,
        )
        for member in members
        for part in unique_parts
    ]
    return AccessLogEntry.objects.bulk_create(entries) if entries else []
