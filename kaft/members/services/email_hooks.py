"""What happens elsewhere when a member's e-mail address changes.

Members sits below the domains that send to the address, so it cannot call them; a domain
registers a step here instead (in its ``AppConfig.ready``), and
:func:`~kaft.members.services.account.member_email_set` runs the steps inside the same
transaction as the change. Outreach registers clearing a newsletter subscription's "address not
deliverable" mark: the bounce was about the old address.
"""

from __future__ import annotations

from collections.abc import Callable

from kaft.members.models import Member

EmailChangedStep = Callable[[Member], None]

_STEPS: list[EmailChangedStep] = []


def on_email_changed(step: EmailChangedStep) -> None:
    """Run ``step(member)`` whenever a member's e-mail address changes (once per step)."""
    if step not in _STEPS:
        _STEPS.append(step)


def email_changed_run(*, member: Member) -> None:
    for step in _STEPS:
        step(member)
