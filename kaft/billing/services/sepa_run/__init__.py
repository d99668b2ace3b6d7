"""Announcing and collecting direct debits: the pre-notification step, then one pain.008 file.

1. :func:`sepa_announce` picks, for one collection date at least ``KAFT_SEPA_PRENOTICE_DAYS``
   away, every open charge of a collectable kind (``KAFT_SEPA_CHARGE_KINDS``) of a member with an
   active mandate that is in no collection yet, and records one collection per member with its
   charges. The door then has notices send each member the announcement (amount, date, mandate
   reference, creditor identifier).
2. :func:`sepa_run` on the date collects only what was announced for it: it builds one pain.008
   file with sepaxml (FRST for a mandate's first collection, RCUR after), checks it against the
   official XSD shipped with sepaxml (``sepaxml/schemas``) before anything is written, stores it
   through ``storages["files"]``, and books each debit as a payment by direct debit with a
   ``paid`` event on each charge. A charge paid at the desk meanwhile is collected for what is
   still owed (never more than announced) or left out.

A charge is in one collection at most (``SepaCollectionCharge.charge`` is unique), so in one run
at most. Refused actions write nothing (the file is written last, and removed again when the
transaction does not commit).
"""

from kaft.billing.services.sepa_run.announce import Announcement, sepa_announce
from kaft.billing.services.sepa_run.run import RUN_DIR, sepa_files_prune, sepa_run, sepa_run_file
from kaft.billing.services.sepa_run.xsd import xsd_check

__all__ = [
    "RUN_DIR",
    "Announcement",
    "sepa_announce",
    "sepa_files_prune",
    "sepa_run",
    "sepa_run_file",
    "xsd_check",
]
