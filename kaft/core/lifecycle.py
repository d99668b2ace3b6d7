"""Lifecycles as tables: allowed transitions in one dict, one function that applies them.

Each lifecycle (loan, hold, notice, ...) declares::

    TRANSITIONS = {
        (LoanStatus.OPEN, LoanAction.RETURN): LoanStatus.RETURNED,
        ...
    }

and calls :func:`next_state` to learn the new state, which raises when the move is not allowed.
Writing the new state and the event row is the domain's own transition function.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)


class TransitionNotAllowed(Exception):
    def __init__(self, state: object, action: object) -> None:
        self.state = state
        self.action = action
        super().__init__(f"{action!s} is not allowed from {state!s}")


def next_state(table: Mapping[tuple[S, A], S], state: S, action: A) -> S:
    try:
        return table[(state, action)]
    except KeyError:
        raise TransitionNotAllowed(state, action) from None


def allowed_actions(table: Mapping[tuple[S, A], S], state: S) -> list[A]:
    return [action for (from_state, action) in table if from_state == state]
