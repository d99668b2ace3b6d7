"""Reads about the privacy statement: the archive, drafts, and the privacy officer's inbox."""

from __future__ import annotations

import re

from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kaft.core import params
from kaft.core.library import library
from kaft.privacy.models import StatementResponse, StatementVersion


def statement_archive() -> QuerySet[StatementVersion]:
    """Every published version, newest first."""
    return StatementVersion.objects.filter(published_at__isnull=False).order_by(
        "-published_at", "-pk"
    )


def statement_published(version: str) -> StatementVersion | None:
    """The published version with label ``version``, or None (drafts are not public)."""
    label = params.text_from(version, max_length=64)
    return statement_archive().filter(version=label).first() if label else None


def statement_versions_all() -> QuerySet[StatementVersion]:
    """Drafts first, then the published versions, newest first (for the privacy officer)."""
    return StatementVersion.objects.order_by(
        F("published_at").desc(nulls_first=True), "-created_at", "-pk"
    )


def statement_inbox(*, handled: bool = False) -> QuerySet[StatementResponse]:
    """Responses of members to the statement: open ones oldest first, handled ones newest first."""
    responses = StatementResponse.objects.select_related("member", "version", "handled_by")
    if handled:
        return responses.filter(handled_at__isnull=False).order_by("-handled_at")
    return responses.filter(handled_at__isnull=True).order_by("at", "pk")


_LINK = re.compile(r"\[([^\]]+)\]\((/[^)\s]*|https?://[^)\s]+)\)")


def statement_text(version: StatementVersion, language: str) -> str:
    """The text of ``version`` in ``language`` (English or else Dutch), placeholders filled."""
    text = version.text_en if language == "en" else version.text_nl
    try:
        retention_url = reverse("portal:retention")
    except NoReverseMatch:
        retention_url = "/bewaartermijnen/"
    return text.replace("{library_name}", library().name).replace("{retention_url}", retention_url)


def _inline(line: str) -> str:
    escaped = str(escape(line))
    return _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', escaped)


def statement_html(version: StatementVersion, language: str) -> SafeString:
    """The statement as HTML from its plain text: ``#``/``##`` headings, ``-`` lists,
    paragraphs and ``[text](link)``. Everything else is escaped."""
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", statement_text(version, language).strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(f"<h2>{_inline(lines[0][3:])}</h2>")
            lines = lines[1:]
        elif lines[0].startswith("# "):
            blocks.append(f"<h1>{_inline(lines[0][2:])}</h1>")
            lines = lines[1:]
        if lines and all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        elif lines:
            blocks.append(f"<p>{' '.join(_inline(line) for line in lines)}</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of text was escaped above
