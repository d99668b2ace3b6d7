"""Message services: the outbox and the messages queued per subject.

- :mod:`.account`
- :mod:`.family`
- :mod:`.goodbye`
- :mod:`.outbox`
- :mod:`.receipts`
- :mod:`.statement`

Import from the module (``from kaft.notices.services.account import ...``).
"""
