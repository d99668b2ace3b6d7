"""Reads of circulation data, one module per subject. Every selector runs a fixed number of queries.

- :mod:`.availability`
- :mod:`.copies`
- :mod:`.holds`
- :mod:`.loans`
- :mod:`.slips`

Import from the module (``from kaft.circulation.selectors.availability import ...``).
"""
