"""The Celery application. Same code path with Redis in production and a file broker locally."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaft.settings")

app = Celery("kaft")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
