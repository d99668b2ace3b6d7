"""Kaft's own date formats (``FORMAT_MODULE_PATH``): dates the European way in both languages.

Django's English formats are American (``Dec. 17, 2026``, ``12/17/2026``); a Dutch library
writes ``17 December 2026`` and ``17-12-2026`` in English too. The Dutch short date gets its
leading zeros (``07-05-2026``, not ``7-5-2026``) like the desk's receipts. Input formats read ISO
first: that is what ``<input type="date">`` sends (:class:`kaft.core.params.DateInput`).
"""
