"""Kiosk accounts: who may speak SIP2 to Kaft, from which branch, and what each may see.

A kiosk account is the door's one place that decides what a kiosk may touch: its branch (the
institution id it sends is that branch's ISIL, or another of the library's), the messages it may
use, and which member fields it receives. By default a kiosk receives no address, e-mail, phone
or date of birth, and the member's name as :attr:`KioskAccount.name_shown` says.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.catalog.models import Branch


class Charset(models.TextChoices):
    UTF8 = "utf-8", _("UTF-8")
    CP850 = "cp850", _("IBM850 (cp850)")


class NameShown(models.TextChoices):
    """How much of a member's name a kiosk receives (field AE)."""

    FULL = "full", _("Full name")
    FIRST = "first", _("First name only")
    INITIALS = "initials", _("Initials only")
    NONE = "none", _("No name")


class PatronField(models.TextChoices):
    """Member fields a kiosk receives only when its account allows them."""

    ADDRESS = "BD", _("Home address")
    EMAIL = "BE", _("E-mail address")
    PHONE = "BF", _("Phone number")
    BIRTH_DATE = "PB", _("Date of birth")


class KioskAccount(models.Model):
    login = models.CharField(_("login name"), max_length=40, unique=True)
    password = models.CharField(_("password"), max_length=128, editable=False)
    name = models.CharField(_("name"), max_length=80, help_text=_("As members see it."))
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="kiosk_accounts", verbose_name=_("branch")
    )
    charset = models.CharField(
        _("character set"), max_length=10, choices=Charset.choices, default=Charset.UTF8
    )
    # The SIP2 command codes this kiosk may send (requests: "11", "09", ...); empty: all.
    messages = models.JSONField(_("messages allowed"), default=list, blank=True)
    # Extra member fields (PatronField values) this kiosk may receive; empty: none of them.
    patron_fields = models.JSONField(_("member fields allowed"), default=list, blank=True)
    name_shown = models.CharField(
        _("member name shown"), max_length=10, choices=NameShown.choices, default=NameShown.FIRST
    )
    error_detection = models.BooleanField(
        _("error detection"),
        default=True,
        help_text=_("Sequence numbers (AY) and checksums (AZ) checked and sent."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("kiosk account")
        verbose_name_plural = _("kiosk accounts")
        ordering = ["login"]

    def __str__(self) -> str:
        return f"{self.name} ({self.login})"

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)

    def may_use(self, command: str) -> bool:
        """Whether this kiosk may send the request with SIP2 command code ``command``."""
        return not self.messages or command in self.messages

    def may_receive(self, field: PatronField | str) -> bool:
        return str(field) in self.patron_fields
