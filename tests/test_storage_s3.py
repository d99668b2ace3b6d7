"""Files every worker can reach: with KAFT_STORAGE_URL, STORAGES["files"] is an S3-compatible
store. Tested against moto's S3 server started here on 127.0.0.1: a print run's PDF is written
through Kaft's code and read back through the store, and the object is really in the bucket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import boto3
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.test import override_settings
from moto.server import ThreadedMotoServer

from kaft.core.storage_url import storage_from_url
from kaft.members.models import Address, AddressKind, Channel, MessageType
from kaft.notices.services.letters import print_run_build, print_run_start
from kaft.notices.services.outbox import notice_queue_hold_ready
from tests.factories_notices import make_preference, make_ready_hold
from tests.pdftext import pdf_lines

NOW = dt.datetime(2026, 12, 1, 9, 31, tzinfo=dt.UTC)
KEY, SECRET = "kaft-test-key", "kaft-test-secret"


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _client(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
    )


def test_the_storage_url_becomes_the_s3_backend():
    entry = storage_from_url(
        "s3://kaft-files/production?endpoint_url=https://s3.example.net&region=nl-ams"
        "&addressing_style=path",
        access_key=KEY,
        secret_key=SECRET,
    )
    assert entry == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "kaft-files",
            "location": "production",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 3600,
            "file_overwrite": False,
            "endpoint_url": "https://s3.example.net",
            "region_name": "nl-ams",
            "addressing_style": "path",
            "access_key": KEY,
            "secret_key": SECRET,
        },
    }
    with pytest.raises(ImproperlyConfigured):
        storage_from_url("https://kaft-files", access_key="", secret_key="")
    with pytest.raises(ImproperlyConfigured, match="unknown option"):
        storage_from_url("s3://b?secret=x", access_key="", secret_key="")


@pytest.mark.django_db
def test_a_print_run_pdf_goes_to_the_s3_bucket_and_back(s3_endpoint: str):
    client = _client(s3_endpoint)
    client.create_bucket(
        Bucket="kaft-files", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    files = storage_from_url(
        f"s3://kaft-files/test?endpoint_url={s3_endpoint}&region=eu-west-1&addressing_style=path",
        access_key=KEY,
        secret_key=SECRET,
    )
    hold = make_ready_hold(member__first_name="Joost", member__last_name="Berg")
    Address.objects.create(
        member=hold.member,
        kind=AddressKind.HOME,
        street="Lange Nieuwstraat",
        house_number="12",
        postcode="3512 PH",
        city="Utrecht",
    )
    make_preference(member=hold.member, message_type=MessageType.HOLD_READY, channel=Channel.LETTER)
    notice_queue_hold_ready(hold=hold, now=NOW)

    with override_settings(STORAGES={**settings.STORAGES, "files": files}):
        run = print_run_start(staff=None, now=NOW)
        built = print_run_build(run_id=run.pk)
        assert built is not None and built.file.startswith("letters/")
        with storages["files"].open(built.file) as stored:
            content = stored.read()

    assert "Joost Berg" in pdf_lines(content)
    objects = client.list_objects_v2(Bucket="kaft-files")["Contents"]
    assert [o["Key"] for o in objects] == [f"test/{built.file}"]
    assert (
        client.get_object(Bucket="kaft-files", Key=f"test/{built.file}")["Body"].read() == content
    )
