"""Reads of catalogue data (records, branches); search is in kaft.catalog.search.

- :mod:`.records`

Import from the module (``from kaft.catalog.selectors.records import ...``).
"""
