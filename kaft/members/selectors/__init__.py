"""Reads of member data, one module per subject. The desk logs every look.

- :mod:`.duplicates`
- :mod:`.family`
- :mod:`.member`
- :mod:`.signup`

Import from the module (``from kaft.members.selectors.duplicates import ...``).
"""
