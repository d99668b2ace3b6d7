"""``KAFT_STORAGE_URL``: where the files every worker must reach are kept (letters to print, SEPA
files, members' data exports), as one URL.

    s3://BUCKET[/PREFIX]?endpoint_url=https://s3.example.net&region=eu-central-1&addressing_style=path

- ``BUCKET``: the bucket; ``PREFIX`` (optional): a folder inside it for Kaft's files.
- ``endpoint_url``: the S3-compatible service (MinIO, Ceph, a cloud's object store); left out:
  Amazon S3 itself.
- ``region``: the region name, if the service wants one.
- ``addressing_style``: ``path`` (what most self-hosted services want) or ``virtual``.
- The key pair is never in the URL (it would end up in logs): ``KAFT_STORAGE_ACCESS_KEY`` and
  ``KAFT_STORAGE_SECRET_KEY`` from the environment.

Empty: files are kept on local disk under ``var/files`` (one machine only).
Files are private: no public ACL, links are signed and expire after an hour, a name already in
use gets a new one rather than overwriting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

KNOWN_OPTIONS = {"endpoint_url", "region", "addressing_style"}


def storage_from_url(url: str, *, access_key: str, secret_key: str) -> dict[str, Any]:
    """The ``STORAGES`` entry (django-storages' S3 backend) for ``url``."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured("KAFT_STORAGE_URL must look like s3://bucket?endpoint_url=...")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - KNOWN_OPTIONS
    if unknown:
        raise ImproperlyConfigured(f"KAFT_STORAGE_URL: unknown option(s) {sorted(unknown)}")
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": False,
    }
    if query.get("endpoint_url"):
        options["endpoint_url"] = query["endpoint_url"]
    if query.get("region"):
        options["region_name"] = query["region"]
    if query.get("addressing_style"):
        options["addressing_style"] = query["addressing_style"]
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
