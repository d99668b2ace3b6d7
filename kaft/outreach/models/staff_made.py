"""What a contest and a panel survey share: staff make it, then open and close it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__: list[str] = []

# What a move changes: the child's status, and the moment.
MOVE_FIELDS = ["status", "opened_at", "closed_at"]


class OpenedByStaff(models.Model):
    """Made by a member of staff (kept when that account goes), opened and closed by them."""

    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    # A survey's closing is the clock of the retention rule panel_invitations.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        abstract = True

    def stamp_move(self, *, opened: bool) -> None:
        """Save the new status with the moment it was opened or closed (the status the domain's
        transition table just set)."""
        if opened:
            self.opened_at = timezone.now()
        else:
            self.closed_at = timezone.now()
        self.save(update_fields=MOVE_FIELDS)  # ``status``: each child's own field
