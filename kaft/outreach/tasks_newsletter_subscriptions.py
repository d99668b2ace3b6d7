"""Celery tasks of newsletter subscriptions. Each is idempotent and only calls services."""

from __future__ import annotations

from celery import shared_task

from kaft.outreach.services.newsletter_subscription_mail import subscription_mail_send


@shared_task(name="kaft.outreach.tasks_newsletter_subscriptions.send_subscription_mail")
def send_subscription_mail(subscription_id: int, link: str) -> bool:
    """Mail a sign-up's confirmation link (or, with no link, "subscribed already"); does nothing
    once the subscription moved on or the link was replaced."""
    return subscription_mail_send(subscription_id=subscription_id, link=link)
