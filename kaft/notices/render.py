"""Render a message (subject and plain-text body) in the member's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

SUBJECT_MAX = 200


@dataclass(frozen=True)
class RenderedMessage:
    language: str
    subject: str
    body: str


def message_language(preferred: str) -> str:
    """The member's language if Kaft speaks it, else the site language (Dutch)."""
    known = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in known else settings.LANGUAGE_CODE


def render_message(template: str, *, language: str, context: dict[str, Any]) -> RenderedMessage:
    """Render ``notices/<template>_subject.txt`` and ``_body.txt`` with ``language`` active."""
    context = {"library_name": settings.KAFT_LIBRARY_NAME, **context}
    with translation.override(language):
        subject = str(render_to_string(f"notices/{template}_subject.txt", context))
        body = str(render_to_string(f"notices/{template}_body.txt", context))
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return RenderedMessage(
        language=language,
        subject=" ".join(subject.split())[:SUBJECT_MAX],
        body="\n".join(lines) + "\n",
    )
