"""An issue's Markdown as HTML and as plain text, the same for the preview, the mail and the
public archive.

Staff write Markdown, never HTML: raw HTML in the text (a ``<script>``, an ``<img>`` pointing at
another host, a ``<style>``) is dropped, not escaped into view and never passed on. Links keep the
address staff wrote (Kaft does not rewrite or track them); markdown-it refuses ``javascript:``,
``vbscript:``, ``file:`` and ``data:`` links itself. An image is shown only when it is one of
Kaft's own newsletter images (``/nieuwsbrief/afbeelding/…``): every other image becomes its
description, so a mail never loads anything from an outside host (no tracking pixels).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.token import Token

# The public path of an issue's image (kaft/portal/urls_outreach_newsletter_issues.py).
IMAGE_PATH = re.compile(r"^/nieuwsbrief/afbeelding/\d+-[0-9a-f]{16}\.(png|jpg|gif)$")


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str


def _own_image_src(src: str) -> str | None:
    """Kaft's absolute address of an own newsletter image, or None for anything else."""
    site = settings.KAFT_SITE_URL
    path = src[len(site) :] if src.startswith(site + "/") else src
    return f"{site}{path}" if IMAGE_PATH.match(path) else None


def _drop(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return ""


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    src = _own_image_src(str(token.attrGet("src") or ""))
    if src is None:
        return escape(alt)
    return f'<img src="{escape(src)}" alt="{escape(alt)}" style="max-width:100%;height:auto">'


def _parser() -> MarkdownIt:
    # html=True so that raw HTML is recognised as such (and then dropped below), not shown.
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.add_render_rule("html_block", _drop)
    md.add_render_rule("html_inline", _drop)
    md.add_render_rule("image", _image)
    return md


_MD = _parser()


def markdown_render(body: str) -> Rendered:
    """``body`` (Markdown) as safe HTML and as plain text."""
    tokens = _MD.parse(body)
    return Rendered(html=_MD.renderer.render(tokens, _MD.options, {}), text=_plain(tokens))


def _inline_text(children: Sequence[Token]) -> str:
    out: list[str] = []
    hrefs: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type == "link_open":
            hrefs.append(str(child.attrGet("href") or ""))
            out.append("\x00")  # where the link's text starts
        elif child.type == "link_close" and hrefs:
            href = hrefs.pop()
            start = len(out) - 1 - out[::-1].index("\x00")
            label = "".join(out[start + 1 :])
            out[start:] = [label if label == href else f"{label} ({href})"]
        elif child.type == "image":
            alt = _inline_text(child.children or [])
            out.append(f"[{alt}]" if alt else "")
        # html_inline: dropped, as in the HTML
    return "".join(out)


def _plain(tokens: Sequence[Token]) -> str:
    """The text a reader of the plain-text part sees: the words, links written out, lists with
    dashes and numbers; raw HTML left out as in the HTML part."""
    lines: list[str] = []
    prefixes: list[str] = []
    numbers: list[int] = []
    for token in tokens:
        kind = token.type
        if kind == "bullet_list_open":
            numbers.append(0)
        elif kind == "ordered_list_open":
            numbers.append(int(token.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            numbers.pop()
            lines.append("")
        elif kind == "list_item_open":
            if numbers and numbers[-1]:
                prefixes.append(f"{numbers[-1]}. ")
                numbers[-1] += 1
            else:
                prefixes.append("- ")
        elif kind == "list_item_close":
            prefixes.pop()
        elif kind == "inline":
            indent = "  " * max(len(prefixes) - 1, 0)
            marker = prefixes[-1] if prefixes else ""
            text = _inline_text(token.children or [])
            lines.append(indent + marker + text)
            if prefixes:
                prefixes[-1] = " " * len(marker)
        elif kind in ("paragraph_close", "heading_close") and not prefixes:
            lines.append("")
        elif kind in ("fence", "code_block"):
            lines.extend([token.content.rstrip("\n"), ""])
        elif kind == "hr":
            lines.extend(["----", ""])
        # html_block: dropped
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
