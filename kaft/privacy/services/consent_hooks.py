"""What happens elsewhere when a member withdraws a consent.

Privacy sits below the domains that use a consent, so it cannot call them; a domain registers a
step here instead (in its ``AppConfig.ready``), and :func:`~kaft.privacy.services.consent.consent_set`
runs the steps for the purpose inside the same transaction as the withdrawal. Billing registers
ending the direct-debit mandate for ``direct_debit``: withdrawing that permission, wherever it is
done (MijnBibliotheek, the desk's consent page, the mandate page), ends the mandate.
"""

from __future__ import annotations

from collections.abc import Callable

from kaft.members.models import Member, User

WithdrawnStep = Callable[[Member, "User | None"], None]

_STEPS: dict[str, list[WithdrawnStep]] = {}


def on_consent_withdrawn(purpose: str, step: WithdrawnStep) -> None:
    """Run ``step(member, staff)`` whenever ``member`` withdraws ``purpose`` (once per step)."""
    steps = _STEPS.setdefault(str(purpose), [])
    if step not in steps:
        steps.append(step)


def consent_withdrawn_run(*, member: Member, purpose: str, staff: User | None) -> None:
    for step in _STEPS.get(str(purpose), []):
        step(member, staff)
