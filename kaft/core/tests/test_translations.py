"""Every user-facing string has a Dutch translation, and the English source is never shown to a
Dutch member by accident."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import cast

import polib
import pytest
from django.conf import settings

KAFT = Path(settings.BASE_DIR) / "kaft"
PO_FILES = sorted(KAFT.rglob("locale/nl/LC_MESSAGES/django.po"))
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext_lazy"}


def _key(call: ast.Call) -> str:
    """The msgid of a gettext call; with a context (pgettext) as "context\x04msgid", as in a
    compiled catalogue."""
    first = str(cast(ast.Constant, call.args[0]).value)
    name = cast(ast.Name, call.func).id
    if name.startswith("pgettext") and len(call.args) > 1:
        second = call.args[1]
        if isinstance(second, ast.Constant) and isinstance(second.value, str):
            return f"{first}\x04{second.value}"
    return first


def _entry_key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _python_msgids(app_dir: Path) -> set[str]:
    found: set[str] = set()
    for path in app_dir.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(_key(node))
    return found


def test_there_are_dutch_catalogues() -> None:
    assert PO_FILES, "no Dutch translation files found"


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(KAFT)))
def test_every_dutch_entry_is_translated(po_path: Path) -> None:
    catalogue = polib.pofile(str(po_path))
    missing = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
    assert missing == [], f"untranslated in {po_path}: {missing}"
    assert fuzzy == [], f"fuzzy in {po_path}: {fuzzy}"


def test_every_python_string_is_in_a_dutch_catalogue() -> None:
    translated: set[str] = set()
    for po_path in PO_FILES:
        translated |= {_entry_key(e) for e in polib.pofile(str(po_path)) if e.translated()}
    missing: dict[str, list[str]] = {}
    for app_dir in sorted(p for p in KAFT.iterdir() if p.is_dir()):
        absent = sorted(_python_msgids(app_dir) - translated)
        if absent:
            missing[app_dir.name] = absent
    assert missing == {}, f"strings without a Dutch translation: {missing}"


TEMPLATE_STRING = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")


def test_every_template_string_is_in_a_dutch_catalogue() -> None:
    """A `{% translate "…" %}` added to a template without running makemessages fails here."""
    translated: set[str] = set()
    for po_path in PO_FILES:
        translated |= {e.msgid for e in polib.pofile(str(po_path)) if e.translated()}
    missing = sorted(
        f"{path.relative_to(KAFT)}: {match.group(2)}"
        for path in KAFT.rglob("templates/**/*.html")
        for match in TEMPLATE_STRING.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) not in translated
    )
    assert missing == [], f"template strings without a Dutch translation: {missing}"
