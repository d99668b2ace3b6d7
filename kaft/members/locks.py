"""The locking querysets of the members app, in one place."""

from django.db.models import QuerySet

from kaft.members.models import Member


def member_for_update(member_id: int) -> Member:
    """Lock one member row for the rest of the transaction."""
    return Member.objects.select_for_update().get(pk=member_id)


def members_for_update() -> QuerySet[Member]:
    return Member.objects.select_for_update()
