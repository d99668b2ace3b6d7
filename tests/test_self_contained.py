"""A fresh clone is all Kaft needs: nothing reads outside the repository, `make run` sends mail
with links to where it serves, and the docs name the screens as the screens name themselves."""

import os
import re
import subprocess
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent

# A relative path that climbs (`../elsewhere/marc`), and the machine's folders outside the project.
CLIMB = re.compile(r"(?<![\w.])((?:\.\./)+[\w.-]+)")
LINK = re.compile(r"\]\(([^)#\s]+)")
MACHINE = re.compile(r"(?<![\w.])/work/")


def _tracked_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [ROOT / n.decode() for n in names if n]


def _outside(path: Path, line: str) -> bool:
    """Whether the line names a place outside the project: links in docs are read from the
    document's folder, paths in code and scripts from the project's root, where they run."""
    if MACHINE.search(line):
        return True
    if path.suffix == ".md":
        base, found = path.parent, LINK.findall(line)
    else:
        base, found = ROOT, CLIMB.findall(line)
    return any(not (base / target).resolve().is_relative_to(ROOT) for target in found)


def test_no_file_in_the_project_points_outside_it() -> None:
    # Given every tracked text file (code, Makefile, CI script, docs)
    offenders = []
    for path in _tracked_files():
        skipped = path.suffix in {".po", ".mo", ".mrc", ".dat", ".lock"}
        # (this file names such paths as examples of what it looks for)
        if skipped or not path.is_file() or path == Path(__file__).resolve():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        # Then no line reads or links a path outside the repository
        for number, line in enumerate(text.splitlines(), 1):
            if _outside(path, line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_check_finds_a_path_outside_the_project() -> None:
    code, doc = ROOT / "kaft" / "x.py", ROOT / "docs" / "x.md"
    assert _outside(code, "MARC = Path('../elsewhere/marc/one.dat')")
    assert _outside(code, "see /work/elsewhere/seed")
    assert _outside(doc, "[map](../../elsewhere/MAP.md)")
    assert not _outside(code, "tests/data/marc/one.dat")
    assert not _outside(doc, "[readme](../README.md)")


@pytest.mark.skipif(not os.access("/usr/bin/make", os.X_OK), reason="make is not installed")
def test_make_run_gives_mail_links_the_address_it_serves_on() -> None:
    env = {k: v for k, v in os.environ.items() if k != "KAFT_SITE_URL"}
    # When make run is asked for another port, Then the web server and worker get that address
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert 'export KAFT_SITE_URL="http://127.0.0.1:8123"' in dry.stdout, dry.stdout + dry.stderr
    # And an address set by the operator wins
    env["KAFT_SITE_URL"] = "https://bieb.example.org"
    dry = subprocess.run(["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert 'export KAFT_SITE_URL="https://bieb.example.org"' in dry.stdout


# Words in italics in the docs that are not names of a screen, a menu item or a button.
NOT_SCREEN_NAMES = {"MijnBibliotheek", "locks"}


def _screen_texts() -> set[str]:
    texts: set[str] = set()
    for po in ROOT.glob("kaft/**/locale/*/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po)):
            texts.add(entry.msgid)
            if entry.msgstr:
                texts.add(entry.msgstr)
    return texts


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _pattern(text: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(text)
    return re.compile(".+".join(re.escape(part) for part in parts))


def _italics(text: str) -> list[str]:
    # *word or words*, but not **bold**
    return re.findall(r"(?<![*\w])\*(?!\*)([^*\n]+?)\*(?![*\w])", text)


def test_the_docs_name_screens_as_the_screens_do() -> None:
    # Given the convention: a screen, menu item or button is written in italics, exactly as it
    # shows (Dutch in the Dutch docs, English in the English ones)
    texts = _screen_texts()
    # A text with a value filled in ("lid tot en met 31 december 2025") matches its pattern
    patterns = [_pattern(t) for t in texts if PLACEHOLDER.search(t)]
    # (the architecture map is for developers and names code, not screens)
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    docs = [doc for doc in docs if doc.name != "architecture.md"]
    unknown = []
    for doc in docs:
        for name in _italics(doc.read_text(encoding="utf-8")):
            name = name.strip()
            if name in NOT_SCREEN_NAMES:
                continue
            # A name with an ellipsis stands for the start of a longer text ("Transport naar …")
            wanted = name.rstrip("… ").strip()
            if name.endswith("…"):
                found = any(t.startswith(wanted) for t in texts)
            else:
                found = name in texts or any(p.fullmatch(name) for p in patterns)
            if not found:
                unknown.append(f"{doc.relative_to(ROOT)}: *{name}*")
    # Then every such name is a text the screens show
    assert unknown == []


def test_a_filled_in_text_matches_its_pattern() -> None:
    assert _pattern("lid tot en met %(day)s").fullmatch("lid tot en met 31 december 2025")
    assert not _pattern("lid tot en met %(day)s").fullmatch("lid sinds 2025")


def test_the_names_check_reads_italics_not_bold() -> None:
    assert _italics("scan op *Inleveren* en **Afhaalplank**, 2*3*4") == ["Inleveren"]
