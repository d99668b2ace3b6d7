"""Words for the catalogue search: the same Dutch stemming at indexing and at query time.

Kaft stems in Python (Snowball Dutch through PyStemmer) and gives the database finished terms,
on SQLite and PostgreSQL alike, so both find the same records. A text becomes its words (letters
and digits, lower case, accents removed: "Zeeën" -> "zeeen"), and every word is indexed as its
stem and, when that differs, also as itself. The Dutch stemmer is not always consistent ("fiets"
-> fiet, "fietsen" -> fiets); with both forms indexed, "fiets" and "fietsen" find each other.

A query word matches its stem or itself; a word ending in ``*`` (at least
:data:`MIN_PREFIX` letters) matches every indexed word that starts with it.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass

import Stemmer

MIN_PREFIX = 3
MAX_WORD = 64
_WORD = re.compile(r"[^\W_]+")
_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # A PyStemmer object is not safe to share between threads: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("dutch")
    return stemmer


def fold(text: str) -> str:
    """Lower case without accents: "Éénvoudig" -> "eenvoudig"."""
    lowered = text.lower()
    if lowered.isascii():  # most catalogue text: nothing to take off
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of a text as the index sees them, in order."""
    return [word[:MAX_WORD] for word in _WORD.findall(fold(text))]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@functools.lru_cache(maxsize=100_000)
def terms(word: str) -> tuple[str, ...]:
    """What one word is indexed as: its stem, and the word itself when that differs.

    Remembered per word: a catalogue repeats its words, and an import stems each of them once."""
    stemmed = stem(word)
    return (stemmed,) if stemmed == word else (stemmed, word)


def index_terms(text: str) -> list[str]:
    """Every term of a text in order (a word's stem, then the word if it differs)."""
    return [term for word in words(text) for term in terms(word)]


def vocabulary_words(text: str) -> set[str]:
    """The words of a text worth suggesting: at least two characters, at least one letter."""
    return {word for word in words(text) if len(word) > 1 and not word.isdigit()}


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: any of ``alternatives`` must match, or a word starting with it."""

    word: str
    alternatives: tuple[str, ...]
    prefix: bool = False


def query_word(word: str, *, prefix: bool = False) -> QueryWord:
    if prefix and len(word) >= MIN_PREFIX:
        return QueryWord(word, (word,), prefix=True)
    return QueryWord(word, terms(word))
