"""The one table of ``kaft.core``: the shared cache, when no ``KAFT_CACHE_URL`` names a Redis server.

The table has the shape Django's database cache expects (``createcachetable`` would make the same
one); as a model it is created by ``migrate`` and emptied between tests like every other table.
"""

from __future__ import annotations

from django.db import models

from kaft.core.cache import CACHE_TABLE


class CacheEntry(models.Model):
    """One cache entry of :class:`kaft.core.cache.DatabaseCache`.

    Kaft keeps attempt counts here (:mod:`kaft.core.limits`), under keys that are keyed hashes:
    no card number, e-mail address or member id can be read from a row.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE
        verbose_name = "cache entry"
        verbose_name_plural = "cache entries"


class SettingChange(models.Model):
    """One change to the library's settings (a lending rule, a closed day, …): who made it,
    when, what, and the value before and after, for administrators to see. Never a member's
    data: settings are the library's."""

    at = models.DateTimeField()
    staff = models.ForeignKey(
        "members.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=40)  # "loan_rule", "closed_day"
    target = models.CharField(max_length=200)  # which rule or day, in words
    field = models.CharField(max_length=60, blank=True)  # "" for added or removed as a whole
    old = models.CharField(max_length=200, blank=True)
    new = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="settingchange_at")]

    def __str__(self) -> str:
        return f"{self.subject} {self.target} {self.field}"


class LibraryProfile(models.Model):
    """The library's own name, address, contact details and logo, as administrators set them at
    the desk; pages, messages and letters use them (:mod:`kaft.core.library`). One row; without
    it the values come from the settings (``KAFT_LIBRARY_NAME`` …). The logo is kept in the row
    (a small PNG or JPEG), so every web server and worker has it without shared storage."""

    name = models.CharField(max_length=120)
    street = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    logo = models.BinaryField(blank=True, default=b"")
    logo_type = models.CharField(max_length=20, blank=True)  # "image/png", "image/jpeg"
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
