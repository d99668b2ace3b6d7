"""Message texts the library writes itself (*Berichtteksten* at the desk).

Kaft has its own text for every message (``templates/notices/<message>_subject.txt`` and
``_body.txt``, in Dutch and English). An administrator may replace it, per message, channel and
language, with a text of their own; :func:`kaft.notices.render.render_message` then uses that.

A text holds placeholders for what changes per message (``{{ title }}``, ``{{ due_date }}``) and
may use ``{% if %}``, ``{% for %}`` and ``{% with %}``; nothing else of Django's template
language (no ``load``, ``include`` or ``extends``). A text is checked when it is saved: every
placeholder must be one the message has (:mod:`kaft.notices.samples`), and a text for a message
with a link or a code must show it. The texts are kept in each process (:class:`Memo`): one
query at most once a minute, none per message, so a batch of messages costs what it did.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kaft.core.library import library
from kaft.core.memo import Memo
from kaft.core.settings_log import setting_changes_write
from kaft.members.models import CHANNEL_CHOICE_TYPES, Channel, MessageType
from kaft.notices.errors import NoticeError, NoticeErrorCode
from kaft.notices.models import MessageText
from kaft.notices.samples import REQUIRED, samples

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {"if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith"}
ALWAYS_KNOWN = {"library_name", "channel", "show_titles", "forloop"}
TAG = re.compile(r"{%-?\s*(\w+)")
UNKNOWN = "\x00unknown:%s\x00"
UNKNOWN_FOUND = re.compile("\x00unknown:(.*?)\x00")
LANGUAGES = (("nl", _("Dutch")), ("en", _("English")))

# Plain text: nothing escaped. No template loaders: a text cannot pull in a file.
_ENGINE = Engine(autoescape=False, loaders=[], libraries={})
_CHECKING = Engine(autoescape=False, loaders=[], libraries={}, string_if_invalid=UNKNOWN)


@dataclass(frozen=True)
class Kind:
    """A message an administrator can write a text for, and the channels it goes by."""

    template: str
    label: str
    channels: tuple[str, ...]


def kinds() -> list[Kind]:
    choice = {kind.value for kind in CHANNEL_CHOICE_TYPES}
    return [
        Kind(
            template=kind.value,
            label=str(kind.label),
            channels=tuple(c.value for c in Channel) if kind.value in choice else ("email",),
        )
        for kind in MessageType
    ]


def kind_of(template: str, channel: str, language: str) -> Kind | None:
    """The message, if ``channel`` and ``language`` are among those it has."""
    if language not in {code for code, _name in LANGUAGES}:
        return None
    found = next((kind for kind in kinds() if kind.template == template), None)
    return found if found is not None and channel in found.channels else None


@dataclass(frozen=True)
class Written:
    subject: Template
    body: Template


def _load() -> dict[tuple[str, str, str], Written]:
    written = {}
    for row in MessageText.objects.all():
        try:
            written[(row.template, row.channel, row.language)] = Written(
                subject=Template(row.subject, engine=_ENGINE),
                body=Template(row.body, engine=_ENGINE),
            )
        except TemplateSyntaxError:  # checked when saved; a text that no longer compiles
            logger.warning("message text %s is not used: it does not compile", row)
    return written


_MEMO: Memo[dict[tuple[str, str, str], Written]] = Memo(_load)


def written_text(template: str, channel: str, language: str) -> Written | None:
    """The library's own text for this message, channel and language, if it wrote one."""
    return _MEMO.get().get((template, channel, language))


def texts_forget() -> None:
    _MEMO.forget()


def texts_preset_empty() -> None:
    """Tests: no texts are stored (so no query is spent finding that out)."""
    _MEMO.preset({})


def render_written(written: Written, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of a written text, with the language of the message active."""
    return written.subject.render(Context(context)), written.body.render(Context(context))


# --- checking and saving -------------------------------------------------------------------


def _known(template: str) -> set[str]:
    names = set(ALWAYS_KNOWN)
    for case in samples(template):
        names |= set(case)
    return names


def _sample_context(case: dict[str, Any], channel: str) -> dict[str, Any]:
    return {"library_name": library().name, **case, "channel": channel, "show_titles": True}


def known_placeholders(template: str) -> list[tuple[str, str]]:
    """The placeholders a text for ``template`` may use, each with its sample value."""
    values: dict[str, Any] = {"library_name": library().name}
    for case in samples(template):
        for name, value in case.items():
            if value not in ("", None) or name not in values:
                values[name] = value
    return [(name, _shown(values[name])) for name in sorted(values)]


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(_shown(item) for item in value[:3])
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in value.items())
    if isinstance(value, (dt.date, dt.datetime)):
        return str(formats.date_format(value, "d-m-Y"))
    return str(value)


def text_check(*, template: str, channel: str, subject: str, body: str) -> None:
    """Refuse a text that cannot be used for this message (:class:`NoticeError`)."""
    if not subject.strip() or not body.strip():
        raise NoticeError(NoticeErrorCode.TEXT_EMPTY)
    for tag in TAG.findall(subject + body):
        if tag not in ALLOWED_TAGS:
            raise NoticeError(NoticeErrorCode.TEXT_TAG_NOT_ALLOWED, tag=tag)
    try:
        checking = [Template(subject, engine=_CHECKING), Template(body, engine=_CHECKING)]
    except TemplateSyntaxError as error:
        raise NoticeError(NoticeErrorCode.TEXT_INVALID, detail=str(error)) from error
    known = ", ".join(sorted(_known(template) - {"forloop", "channel", "show_titles"}))
    for case in samples(template):
        context = _sample_context(case, channel)
        try:
            shown = "".join(part.render(Context(context)) for part in checking)
        except Exception as error:  # a filter that fails on the message's values
            raise NoticeError(NoticeErrorCode.TEXT_INVALID, detail=str(error)) from error
        missing = UNKNOWN_FOUND.search(shown)
        if missing:
            name = missing.group(1) or "?"
            raise NoticeError(NoticeErrorCode.TEXT_UNKNOWN_PLACEHOLDER, name=name, known=known)
        for name in REQUIRED.get(template, ()):
            value = case.get(name)
            if value and str(value) not in shown:
                raise NoticeError(
                    NoticeErrorCode.TEXT_REQUIRED_PLACEHOLDER, name=f"{{{{ {name} }}}}"
                )


def _target(kind: Kind, channel: str, language: str) -> str:
    return f"{kind.label} · {Channel(channel).label} · {dict(LANGUAGES)[language]}"


@transaction.atomic
def message_text_save(
    *, kind: Kind, channel: str, language: str, subject: str, body: str, staff: Any
) -> MessageText:
    """The library's own text for ``kind`` by ``channel`` in ``language``, from now on."""
    subject, body = " ".join(subject.split()), body.replace("\r\n", "\n").strip() + "\n"
    text_check(template=kind.template, channel=channel, subject=subject, body=body)
    row = (
        MessageText.objects.select_for_update()
        .filter(template=kind.template, channel=channel, language=language)
        .first()
    )
    before = (row.subject, row.body) if row else (None, None)
    if row is None:
        row = MessageText(template=kind.template, channel=channel, language=language)
    row.subject, row.body = subject, body
    row.save()
    setting_changes_write(
        subject="message_text",
        target=_target(kind, channel, language),
        changes={"subject": (before[0], subject), "text": (before[1], body)},
        staff=staff,
    )
    texts_forget()
    transaction.on_commit(texts_forget)
    return row


@transaction.atomic
def message_text_remove(*, kind: Kind, channel: str, language: str, staff: Any) -> bool:
    """Back to Kaft's own text. False when the library had not written one."""
    row = (
        MessageText.objects.select_for_update()
        .filter(template=kind.template, channel=channel, language=language)
        .first()
    )
    if row is None:
        return False
    setting_changes_write(
        subject="message_text",
        target=_target(kind, channel, language),
        changes={"": (row.subject, None)},
        staff=staff,
    )
    row.delete()
    texts_forget()
    transaction.on_commit(texts_forget)
    return True


def message_previews(
    *, kind: Kind, channel: str, language: str, subject: str | None = None, body: str | None = None
) -> list[tuple[str, str]]:
    """(subject, body) per sample case, as the made-up member would get it: with ``subject`` and
    ``body`` when given (a text being written; checked first), else the text in use."""
    from kaft.notices.render import render_message

    if subject is not None and body is not None:
        text_check(template=kind.template, channel=channel, subject=subject, body=body)
        trial = Written(
            subject=Template(" ".join(subject.split()), engine=_ENGINE),
            body=Template(body, engine=_ENGINE),
        )
    else:
        trial = None
    shown = []
    for case in samples(kind.template):
        message = render_message(
            kind.template,
            language=language,
            context=dict(case),
            channel=channel,
            written=trial,
        )
        shown.append((message.subject, message.body))
    return shown
