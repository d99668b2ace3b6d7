"""The newsletter benchmark's measuring code works and leaves the database as it found it
(bench/newsletter.py; its figures at scale 1m are in bench/README.md's table)."""

from __future__ import annotations

import pytest

from kaft.outreach.models import Delivery, NewsletterIssue, Subscription
from kaft.privacy.models import Consent, ConsentPurpose
from tests.factories import MemberFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_the_newsletter_figure_queues_everyone_sends_once_and_cleans_up() -> None:
    from bench.newsletter import measure_newsletter

    MemberFactory.create_batch(12)

    figure = measure_newsletter()

    assert (figure["subscribers"], figure["queued"], figure["queued_half_chunk"]) == (12, 12, 12)
    sample = figure["send_sample"]
    assert sample["errors"] == []
    assert (sample["mails"], sample["recipients"], sample["sent_twice"]) == (12, 12, 0)
    assert sample["delivery_rows_sent"] == 12
    assert Subscription.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert NewsletterIssue.objects.count() == 0
    assert Consent.objects.filter(purpose=ConsentPurpose.NEWSLETTER).count() == 0
