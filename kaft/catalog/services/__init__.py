"""Catalogue services: MARC import and the batch writer behind it.

- :mod:`.branch_map`
- :mod:`.copy_cataloguing` (a title from another catalogue by ISBN, over SRU)
- :mod:`.import_holdings`
- :mod:`.importing`
- :mod:`.marc_import`
- :mod:`.records` (titles described at the desk: the title form, the MARC editor)

Import from the module (``from kaft.catalog.services.branch_map import ...``).
"""
