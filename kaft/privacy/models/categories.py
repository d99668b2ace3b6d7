"""The categories of personal data Kaft keeps. The registry, the export, disclosures, legal
requests and the retention rules all speak in these."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    """Named the same for staff and members (the desk's forms, the export, MijnBibliotheek), so
    no label says "you"."""

    IDENTITY = "identity", _("Name and date of birth")
    CONTACT = "contact", _("Contact details and addresses")
    MEMBERSHIP = "membership", _("Membership: card, category, branch, status")
    ACCOUNT = "account", _("Login and security")
    PREFERENCES = "preferences", _("Preferences: language and message channels")
    LOANS = "loans", _("Current loans")
    LOAN_HISTORY = "loan_history", _("Loan history")
    HOLDS = "holds", _("Reservations")
    PAYMENTS = "payments", _("Payments and charges")
    NOTES = "notes", _("Notes by staff")
    CONSENTS = "consents", _("Consents and their history")
    FAMILY = "family", _("Family access and parents or guardians")
    MESSAGES = "messages", _("Messages sent")
    CHANGES = "changes", _("History of changes to the data")
    ACCESS_LOG = "access_log", _("Access log (who looked at the data)")
    DISCLOSURES = "disclosures", _("Disclosures (who received the data)")
    REQUESTS = "requests", _("Requests and their answers")


class PartyRole(models.TextChoices):
    """How data handed over about a member (a request from police or justice) refers to people:
    the member in scope as such, anyone else only by the role they had, never by name, card
    number, e-mail address or id."""

    MEMBER = "member", _("The member the request is about")
    FAMILY_MEMBER = "family_member", _("A family member")
    GUARDIAN = "guardian", _("A parent or guardian")
    CHILD = "child", _("A child in their care")
    OTHER_MEMBER = "other_member", _("Another member")
    STAFF = "staff", _("Staff")
