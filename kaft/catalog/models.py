"""Branches, bibliographic records and the items (copies) that are lent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaft.catalog.barcodes import BARCODE_MAX_LENGTH, validate_barcode


class Branch(models.Model):
    """A vestiging. ``isil`` is the ISO 15511 library identifier (e.g. NL-AsdOBA)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    isil = models.CharField(_("ISIL code"), max_length=16, unique=True)
    street = models.CharField(_("street and number"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    # Weekdays the branch is always closed: 0 = Monday ... 6 = Sunday.
    closed_weekdays = models.JSONField(_("closed weekdays"), default=list, blank=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClosedDay(models.Model):
    """A single day a branch is closed (public holiday, renovation)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [
            models.UniqueConstraint(fields=["branch", "date"], name="closedday_one_per_branch_date")
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.branch} {self.date}"


class MaterialType(models.TextChoices):
    BOOK = "book", _("Book")
    EBOOK = "ebook", _("E-book")
    AUDIOBOOK = "audiobook", _("Audiobook")
    DVD = "dvd", _("DVD")
    MUSIC = "music", _("Music")
    MAGAZINE = "magazine", _("Magazine")
    GAME = "game", _("Game")
    MAP = "map", _("Map")
    SCORE = "score", _("Sheet music")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    ADULT = "adult", _("Adults")
    YOUTH = "youth", _("Youth")


class Record(models.Model):
    """A title (bibliographic record). The source MARC record is kept as received."""

    control_number = models.CharField(_("control number"), max_length=64, null=True, blank=True)
    isbn = models.CharField(_("ISBN/EAN"), max_length=20, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    contributors = models.TextField(_("contributors"), blank=True)  # one per line
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True)  # MARC/ISO 639-2 code
    material_type = models.CharField(
        _("material type"), max_length=16, choices=MaterialType.choices, default=MaterialType.BOOK
    )
    subjects = models.TextField(_("subjects and genres"), blank=True)  # one per line
    audience = models.CharField(
        _("audience"), max_length=8, choices=Audience.choices, default=Audience.ADULT
    )
    summary = models.TextField(_("summary"), blank=True)
    marc = models.BinaryField(_("source MARC record"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        constraints = [
            models.UniqueConstraint(fields=["control_number"], name="record_unique_control_number")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def contributor_list(self) -> list[str]:
        return [c for c in self.contributors.splitlines() if c.strip()]

    @property
    def subject_list(self) -> list[str]:
        return [s for s in self.subjects.splitlines() if s.strip()]


class ItemType(models.TextChoices):
    """What the lending rules distinguish between."""

    BOOK = "book", _("Book")
    YOUTH_BOOK = "youth_book", _("Youth book")
    AUDIOVISUAL = "av", _("Audiovisual")
    MAGAZINE = "magazine", _("Magazine")
    GAME = "game", _("Game")
    REFERENCE = "reference", _("Reference (not for loan)")
    # A copy another library lent us for one member (interlibrary loan): it circulates to that
    # member only, is never reserved by others nor in the public catalogue, and is renewed only
    # when the lending library agrees (``kaft/interlibrary/services/requesting.py``).
    INTERLIBRARY = "interlibrary", _("Interlibrary loan copy")


class ItemStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    IN_TRANSIT = "in_transit", _("In transit")
    ON_HOLDS_SHELF = "on_holds_shelf", _("On the holds shelf")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    MISSING = "missing", _("Missing")
    IN_REPAIR = "in_repair", _("In repair")


class Item(models.Model):
    """A copy of a record. Its status is changed by the circulation services (lending, returns,
    transit, the holds shelf: ``kaft/circulation/lifecycle.py``) and by the copy's care
    (withdrawn, damaged, lost, missing, found, repair: ``kaft/catalog/lifecycle.py``)."""

    barcode = models.CharField(
        _("barcode"), max_length=BARCODE_MAX_LENGTH, unique=True, validators=[validate_barcode]
    )
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="items")
    home_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="home_items")
    current_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="current_items"
    )
    call_number = models.CharField(_("call number"), max_length=64, blank=True)
    item_type = models.CharField(
        _("item type"), max_length=16, choices=ItemType.choices, default=ItemType.BOOK
    )
    replacement_price = models.DecimalField(
        _("replacement price"), max_digits=8, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.AVAILABLE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        indexes = [models.Index(fields=["record", "status"], name="item_record_status")]

    def __str__(self) -> str:
        return self.barcode


class RecordSearchRow(models.Model):
    """A record's row in the PostgreSQL search index (``catalog_record_search``).

    The table itself is created by migration 0002 on PostgreSQL only and is read and written by
    ``kaft.catalog.search_sql`` alone. It is declared here so that Django knows it exists: a flush
    (as between tests) then empties it together with the records it points at.
    """

    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        db_table = "catalog_record_search"


class RecordFullTextRow(models.Model):
    """A record's row in the SQLite FTS5 index (``catalog_record_fts``, rowid = record id).

    Created by migration 0002 on SQLite only; declared for the same reason as
    :class:`RecordSearchRow`.
    """

    rowid = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "catalog_record_fts"


class SearchWord(models.Model):
    """A word of the catalogue and in how many records it occurs: the vocabulary that "Did you
    mean …?" suggestions come from. Kept in step by ``kaft.catalog.search_sql.index``."""

    word = models.CharField(max_length=64, primary_key=True)
    records = models.IntegerField()

    class Meta:
        db_table = "catalog_search_word"


class ItemAction(models.TextChoices):
    """What happened to a copy, as its history (:class:`ItemEvent`) shows it."""

    ADD = "add", _("Added")
    EDIT = "edit", _("Changed")
    WITHDRAW = "withdraw", _("Withdrawn")
    DAMAGE = "damage", _("Marked damaged")
    LOSE = "lose", _("Marked lost")
    MISS = "miss", _("Marked missing")
    FIND = "find", _("Found")
    REPAIR = "repair", _("Sent for repair")
    MEND = "mend", _("Back in use")


class ItemEvent(models.Model):
    """One step in a copy's life: who, when, at which branch, why, and the status before and
    after (an edit: the fields changed, old and new). Never a member: who borrowed a copy
    lives on the loan."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=ItemAction.choices)
    status_before = models.CharField(max_length=16, choices=ItemStatus.choices, blank=True)
    status_after = models.CharField(max_length=16, choices=ItemStatus.choices, blank=True)
    at = models.DateTimeField(_("when"))
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("copy event")
        verbose_name_plural = _("copy events")
        indexes = [models.Index(fields=["item", "at"], name="itemevent_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.at:%Y-%m-%d}"


class StocktakeStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")


class Stocktake(models.Model):
    """A count of what stands on the shelves of one branch, or a part of it: the copies whose call
    number lies between ``call_number_from`` and ``call_number_to`` (both included; a call number
    that begins with ``call_number_to`` is in too; empty: no bound)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="stocktakes", verbose_name=_("branch")
    )
    call_number_from = models.CharField(_("call number from"), max_length=64, blank=True)
    call_number_to = models.CharField(_("call number to"), max_length=64, blank=True)
    status = models.CharField(
        max_length=8, choices=StocktakeStatus.choices, default=StocktakeStatus.OPEN
    )
    started_at = models.DateTimeField(_("started"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")

    def __str__(self) -> str:
        return f"{self.branch_id} {self.call_number_from}-{self.call_number_to}"


class StocktakeScan(models.Model):
    """One barcode scanned on the shelf during a stocktake (once, however often it was scanned)."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="scans")
    barcode = models.CharField(max_length=BARCODE_MAX_LENGTH)
    scanned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "barcode"], name="stocktake_scan_once")
        ]

    def __str__(self) -> str:
        return self.barcode


class RecordAction(models.TextChoices):
    """What happened to a title, as its history (:class:`RecordEvent`) shows it."""

    CREATE = "create", _("Described")
    EDIT = "edit", _("Description changed")
    MARC = "marc", _("MARC changed")
    TAKE = "take", _("Copied from another catalogue")
    MERGE = "merge", _("Another title merged into this one")
    DELETE = "delete", _("Deleted")


class RecordEvent(models.Model):
    """One step in a title's life at the desk: who, when, at which branch, and what changed
    (``changes``: field → [old, new]; a merge: the title merged in and how many copies,
    reservations and loans moved). Never a member. ``record_number`` and ``title`` keep which
    title it was after the title itself is deleted (``record`` is then empty)."""

    record = models.ForeignKey(
        Record, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    record_number = models.PositiveBigIntegerField(_("title number"))
    title = models.CharField(_("title"), max_length=500)
    action = models.CharField(_("action"), max_length=10, choices=RecordAction.choices)
    at = models.DateTimeField(_("when"))
    branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("title event")
        verbose_name_plural = _("title events")
        indexes = [models.Index(fields=["record", "at"], name="recordevent_record_at")]

    def __str__(self) -> str:
        return f"{self.record_number} {self.action} {self.at:%Y-%m-%d}"
