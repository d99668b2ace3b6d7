"""The names in words of the member's data export: tables, columns and coded values, in Dutch
and English. A model's own verbose names come first; these fill in where a model has none (or a
library's model whose names have no Dutch)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Coded values of a column without choices, in words.
VALUE_LABELS: dict[str, dict[str, Promise]] = {
    "via": {
        "desk": pgettext_lazy("export: how", "at the desk"),
        "portal": pgettext_lazy("export: how", "in MijnBibliotheek"),
        "sip2": pgettext_lazy("export: how", "at a self-service kiosk"),
        "kiosk": pgettext_lazy("export: how", "at a self-service kiosk"),
        "system": pgettext_lazy("export: how", "by the library's system"),
        "api": pgettext_lazy("export: how", "through an app or another system"),
    },
}


# Column names in words where the model gives none of its own (by field name, in every table),
# and the added fields.
COLUMN_LABELS: dict[str, Promise] = {
    "member": pgettext_lazy("export column", "Member"),
    "kiosk_pin_set": pgettext_lazy("export column", "Kiosk PIN set"),
    "user": pgettext_lazy("export column", "Login"),
    "created_at": pgettext_lazy("export column", "Created"),
    "updated_at": pgettext_lazy("export column", "Last changed"),
    "owner": pgettext_lazy("export column", "Account of"),
    "grantee": pgettext_lazy("export column", "Access given to"),
    "ended_by": pgettext_lazy("export column", "Ended by"),
    "actor": pgettext_lazy("export column", "Done by"),
    "child": pgettext_lazy("export column", "Child"),
    "guardian": pgettext_lazy("export column", "Parent or guardian"),
    "branch": pgettext_lazy("export column", "Branch"),
    "status": pgettext_lazy("export column", "Status"),
    "record": pgettext_lazy("export column", "Title"),
    "title": pgettext_lazy("export column", "Title"),
    "item": pgettext_lazy("export column", "Copy (barcode)"),
    "return_branch": pgettext_lazy("export column", "Returned at branch"),
    "member_category": pgettext_lazy("export column", "Membership category at the time"),
    "age_band": pgettext_lazy("export column", "Age group at the time"),
    "action": pgettext_lazy("export column", "What happened"),
    "at": pgettext_lazy("export column", "When"),
    "via": pgettext_lazy("export column", "How"),
    "pickup_branch": pgettext_lazy("export column", "Pickup branch"),
    "ready_at": pgettext_lazy("export column", "Ready for pickup"),
    "closed_at": pgettext_lazy("export column", "Closed"),
    "from_branch": pgettext_lazy("export column", "From branch"),
    "to_branch": pgettext_lazy("export column", "To branch"),
    "reason": pgettext_lazy("export column", "Reason"),
    "sent_at": pgettext_lazy("export column", "Sent"),
    "received_at": pgettext_lazy("export column", "Received"),
    "staff_role": pgettext_lazy("export column", "Staff role"),
    "staff_name": pgettext_lazy("export column", "Staff member"),
    "part": pgettext_lazy("export column", "Part of your data"),
    "purpose": pgettext_lazy("export column", "Purpose"),
    "version": pgettext_lazy("export column", "Version of the privacy statement"),
    "partner": pgettext_lazy("export column", "Partner"),
    "subject": pgettext_lazy("export column", "Message"),
}

# Table names in words where the model gives none of its own.
TABLE_LABELS: dict[str, Promise] = {
    "circulation.LoanEvent": pgettext_lazy("export table", "Checkouts, renewals and returns"),
    "circulation.HoldEvent": pgettext_lazy("export table", "What happened to reservations"),
    "privacy.StatementSeen": pgettext_lazy("export table", "Privacy statements you have seen"),
    "axes.AccessLog": pgettext_lazy("export table", "Your logins"),
    "oauth2_provider.AccessToken": pgettext_lazy("export table", "Apps with access to your data"),
}

# Column names of one table, before the model's own and :data:`COLUMN_LABELS` (a library's
# model whose names have no Dutch).
TABLE_COLUMN_LABELS: dict[str, dict[str, Promise]] = {
    "oauth2_provider.AccessToken": {
        "user": pgettext_lazy("export column", "Login"),
        "application": pgettext_lazy("export column", "App"),
        "expires": pgettext_lazy("export column", "Valid until"),
        "scope": pgettext_lazy("export column", "What the app may do"),
        "resource": pgettext_lazy("export column", "For which service"),
        "created": pgettext_lazy("export column", "Given"),
        "updated": pgettext_lazy("export column", "Last changed"),
    },
    "axes.AccessLog": {
        "username": pgettext_lazy("export column", "Login name"),
        "ip_address": pgettext_lazy("export column", "IP address"),
        "user_agent": pgettext_lazy("export column", "Browser (user agent)"),
        "http_accept": pgettext_lazy("export column", "Formats the browser accepts"),
        "path_info": pgettext_lazy("export column", "Login page"),
        "attempt_time": pgettext_lazy("export column", "Logged in"),
        "logout_time": pgettext_lazy("export column", "Logged out"),
    },
}

# What a table holds, where its name alone would not say which rows are there.
TABLE_NOTES: dict[str, Promise] = {
    "axes.AccessLog": _(
        "The logins made with your own account: when, from which IP address and browser, and "
        "when you logged out. Failed login attempts are not included, nor logins recorded only "
        "under a typed e-mail address or card number: a household may share an address, so "
        "those could be someone else's."
    ),
}


def table_label(model: type[models.Model]) -> str | Promise:
    """The table's name: its own plural name where the model sets one, else from the export."""
    if model._meta.label in TABLE_LABELS:
        return TABLE_LABELS[model._meta.label]
    own = model._meta.verbose_name_plural
    if "verbose_name_plural" in model._meta.original_attrs and own is not None:
        return own
    return model.__name__


def column_label(model: type[models.Model], name: str) -> str | Promise:
    """The column's name: the export's for this table, else the field's own where the model sets
    one, else the export's for every table."""
    own_table = TABLE_COLUMN_LABELS.get(model._meta.label, {})
    if name in own_table:
        return own_table[name]
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return COLUMN_LABELS.get(name, name)
    own = getattr(field, "verbose_name", None)
    if isinstance(own, Promise):
        return own
    return COLUMN_LABELS.get(name, name)
