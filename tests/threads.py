"""Run service calls at the same moment, each in its own thread and database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

from kaft.core.errors import DomainError

OK = "ok"


def run_together(actions: list[Callable[[], object]]) -> list[str]:
    """Start every action at the same moment, each in its own thread and connection.

    Returns per action "ok", the refusal code, or the repr of an unexpected exception.
    """
    barrier = threading.Barrier(len(actions))
    outcomes = [""] * len(actions)

    def work(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            action()
            outcomes[index] = OK
        except DomainError as error:
            outcomes[index] = str(error.code)
        except Exception as error:  # reported in the assertion
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
