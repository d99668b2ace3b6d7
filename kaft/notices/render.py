"""Render a message (subject and plain-text body) in the member's language, for its channel.

One template per message serves every channel. The context has ``channel`` ("email", "sms" or
"letter") and ``show_titles`` (whether the text may name titles of loans and reservations: always
in an e-mail or a letter, in an SMS only when the member chose that, ``Member.sms_titles``).
A template gives a short text for SMS with ``{% if channel == "sms" %}short{% else %}full{% endif %}``;
without such a branch the full text is used everywhere. Where the library wrote its own text for
the message, channel and language (:mod:`kaft.notices.texts`), that text is used. An SMS is one line, cut to at most
:data:`kaft.notices.sms_text.MAX_PARTS` parts (:func:`kaft.notices.sms_text.sms_fit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from kaft.core.library import library
from kaft.notices.sms_text import sms_fit
from kaft.notices.texts import Written, render_written, written_text

SUBJECT_MAX = 200
CHANNELS = ("email", "sms", "letter")


@dataclass(frozen=True)
class RenderedMessage:
    language: str
    subject: str
    body: str


def message_language(preferred: str) -> str:
    """The member's language if Kaft speaks it, else the site language (Dutch)."""
    known = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in known else settings.LANGUAGE_CODE


def render_message(
    template: str,
    *,
    language: str,
    context: dict[str, Any],
    channel: str = "email",
    show_titles: bool = True,
    written: Written | None = None,
    library_texts: bool = True,
) -> RenderedMessage:
    """Render ``notices/<template>_subject.txt`` and ``_body.txt`` with ``language`` active, or
    the text the library wrote for it (``written``: a text being previewed). A migration passes
    ``library_texts=False`` and ``library_name``: the tables that hold them may not exist yet."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    context = {
        "library_name": context.get("library_name") or library().name,
        **context,
        "channel": channel,
        "show_titles": show_titles,
    }
    if written is None and library_texts:
        written = written_text(template, channel, language)
    with translation.override(language):
        if written is not None:
            subject, body = render_written(written, context)
        else:
            subject = str(render_to_string(f"notices/{template}_subject.txt", context))
            body = str(render_to_string(f"notices/{template}_body.txt", context))
    if channel == "sms":
        text = sms_fit(body)
        return RenderedMessage(
            language=language, subject=" ".join(subject.split())[:SUBJECT_MAX], body=text
        )
    lines = [line.rstrip() for line in body.strip().splitlines()]
    return RenderedMessage(
        language=language,
        subject=" ".join(subject.split())[:SUBJECT_MAX],
        body="\n".join(lines) + "\n",
    )
