"""Reads for the outbox: what is due, what to send.

- :mod:`.outbox`

Import from the module (``from kaft.notices.selectors.outbox import ...``).
"""
