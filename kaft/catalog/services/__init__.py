"""Catalogue services: MARC import and the batch writer behind it.

- :mod:`.branch_map`
- :mod:`.import_holdings`
- :mod:`.importing`
- :mod:`.marc_import`

Import from the module (``from kaft.catalog.services.branch_map import ...``).
"""
