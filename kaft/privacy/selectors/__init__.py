"""Reads of privacy data, one module per subject.

- :mod:`.consent`
- :mod:`.statement`
- :mod:`.transparency`
- :mod:`.trends`
- :mod:`.visits`

Import from the module (``from kaft.privacy.selectors.consent import ...``).
"""
