"""The shape of one entry of the register, and the reasons shared by many entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q

from kaft.privacy.models.categories import DataCategory, PartyRole
from kaft.privacy.registry.rules import Erasure


@dataclass(frozen=True)
class PersonalTable:
    """One model holding personal data.

    - ``fields``: field name → category, for every field with personal data (FKs to a member
      included, by their field name).
    - ``member_paths``: ORM paths from this model to :class:`~kaft.members.models.Member`
      (``"member"``, ``"notice__member"``); the first is the owner whose export shows the row.
    - ``rule``: the key of its retention rule in :data:`RULES`.
    - ``erasure``: what erasing the member does with the row.
    - ``export``: whether the member's export includes it (False only with a ``note`` why).
    - ``technical``: column name → why it is left out of the export (a hash, an internal key, a
      staff login). Every other column of an exported table is in ``fields`` and so in the
      export; ``kaft/privacy/tests/test_registry.py`` checks that no column is in neither. The
      row's own id is technical everywhere (:func:`technical_columns`).
    - ``login_names``: columns of the member's own rows that hold a name the member may have
      typed to log in (card number, e-mail address; current or former). Erasure collects them.
    - ``login_field``: in a table of login records tied to no member (django-axes), the column
      with the name typed in; erasure deletes the rows written under any of the member's names.
    - ``own_login_field``: in such a table, the column that holds the opaque username of the
      member's own login (``member-<id>``) on the rows of the member's own successful logins: how
      the export finds the member's rows without a foreign key. Rows under a typed name (an
      e-mail address a household may share, a card number) are never taken for the member's.
    - ``roles``: fields that name a person other than the member the row is read for (a family
      member, a guardian, staff), with the role by which data handed over to police or justice
      refers to them. A link to a member or a login not named here is "another member" or
      "staff" all the same; a text field naming someone must be named here.
    """

    model: str
    fields: dict[str, DataCategory]
    member_paths: tuple[str, ...]
    rule: str
    erasure: Erasure
    export: bool = True
    note: str = ""
    anonymise: dict[str, object] = field(default_factory=dict)
    # UNLINK: columns emptied together with the member link (by erasure and by the retention
    # job), so that nothing left on the row leads back to the member (a link to another row that
    # keeps the member longer, text the member typed).
    unlink_clears: dict[str, object] = field(default_factory=dict)
    technical: dict[str, str] = field(default_factory=dict)
    login_names: tuple[str, ...] = ()
    login_field: str = ""
    own_login_field: str = ""
    roles: dict[str, PartyRole] = field(default_factory=dict)

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    @property
    def categories(self) -> set[DataCategory]:
        return set(self.fields.values())

    @property
    def technical_columns(self) -> dict[str, str]:
        """Every column left out of the export, with why: the row id, then ``technical``."""
        primary_key = self.model_class._meta.pk
        found = {primary_key.name: ROW_ID} if primary_key is not None else {}
        return {**found, **self.technical}

    @property
    def finds_members_rows(self) -> bool:
        """Whether the member's own rows can be found: through a foreign key or their login."""
        return bool(self.member_paths or self.own_login_field)

    def member_rows_filter(self, member_id: int) -> Q:
        """The filter for the rows of member ``member_id``: any of ``member_paths``, or the
        member's own login in ``own_login_field``. A table with neither has no rows of a member
        to find: asking for them is a mistake in the register, not an empty result."""
        from kaft.members.models import member_username

        if not self.finds_members_rows:
            raise ValueError(f"{self.model}: no member_paths nor own_login_field")
        match = Q()
        for path in self.member_paths:
            match |= Q(**{path: member_id})
        if self.own_login_field:
            match |= Q(**{self.own_login_field: member_username(member_id)})
        return match

    @property
    def exported_fields(self) -> dict[str, DataCategory]:
        """The registered fields that the member's export shows, with their category."""
        technical = self.technical_columns
        return {name: cat for name, cat in self.fields.items() if name not in technical}


ROW_ID = "The row's number inside the database; it says nothing about the member."
STAFF_LOGIN = (
    "The internal key of a staff member's login. The export names no staff member: the access "
    "log shows who looked, as the library shows it online."
)
