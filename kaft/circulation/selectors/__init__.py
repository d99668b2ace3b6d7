"""Reads of circulation data, one module per subject. Every selector runs a fixed number of queries.

- :mod:`.availability`
- :mod:`.copies`
- :mod:`.fines` (what a late loan's fine is on a day, by the rules)
- :mod:`.holds`
- :mod:`.loans`
- :mod:`.refusals` (borrow checks of higher domains: money owed)
- :mod:`.slips`

Import from the module (``from kaft.circulation.selectors.availability import ...``).
"""
