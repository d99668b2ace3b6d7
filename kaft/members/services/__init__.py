"""Member services (the only writers of member data), one module per subject.

- :mod:`.account`
- :mod:`.family`
- :mod:`.identity`
- :mod:`.member`
- :mod:`.notes`
- :mod:`.recovery`
- :mod:`.signup` (joining online)

Import from the module (``from kaft.members.services.account import ...``).
"""
