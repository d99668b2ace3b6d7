""" "Did you mean …?": a better spelling of a query from the catalogue's own words.

The vocabulary (``catalog_search_word``: every word of the titles, contributors and subjects, with
the number of records it occurs in) is kept in step at indexing. A query word that the catalogue
knows stays as it is; for another one Kaft looks among the most common catalogue words that
start with the same letter and are about as long, and takes the one the fewest edits away (a
letter added, dropped, changed, or two letters swapped): at most one edit for words of up to
four letters, two for longer ones; on a tie the word in the most records wins. The same SQL and
Python on SQLite and PostgreSQL, so both suggest the same.
"""

from __future__ import annotations

from django.db import connection

from kaft.catalog.search_text import QueryWord, query_word

MIN_LENGTH = 4  # shorter words are left as they are
CANDIDATES = 2_000  # the most common words of a first letter and length range considered


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, change, swap of neighbours) from ``a`` to ``b``; > limit: limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _known(words: list[str]) -> dict[str, int]:
    placeholders = ", ".join(["%s"] * len(words))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, records FROM catalog_search_word WHERE word IN ({placeholders})", words
        )
        return {word: int(records) for word, records in cursor.fetchall()}


def _candidates(word: str, limit: int) -> list[tuple[str, int]]:
    first = word[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, records FROM catalog_search_word"
            " WHERE word >= %s AND word < %s AND LENGTH(word) BETWEEN %s AND %s"
            " ORDER BY records DESC, word LIMIT %s",
            [first, chr(ord(first) + 1), len(word) - limit, len(word) + limit, CANDIDATES],
        )
        return [(found, int(records)) for found, records in cursor.fetchall()]


def better_word(word: str) -> str | None:
    """The catalogue word ``word`` was probably meant to be, or None."""
    limit = 1 if len(word) <= 4 else 2
    best: tuple[int, int, str] | None = None
    for candidate, records in _candidates(word, limit):
        distance = edit_distance(word, candidate, limit)
        if distance <= limit and (best is None or (distance, -records, candidate) < best):
            best = (distance, -records, candidate)
    return best[2] if best else None


def suggestion(words: list[QueryWord]) -> list[QueryWord] | None:
    """The query with its unknown words spelt as the catalogue does, or None when unchanged."""
    checkable = [w.word for w in words if not w.prefix and len(w.word) >= MIN_LENGTH]
    checkable = [word for word in checkable if not word.isdigit()]
    if not checkable:
        return None
    known = _known(checkable)
    changed = False
    better: list[QueryWord] = []
    for word in words:
        replacement = None
        if word.word in checkable and word.word not in known:
            replacement = better_word(word.word)
        if replacement and replacement != word.word:
            better.append(query_word(replacement))
            changed = True
        else:
            better.append(word)
    return better if changed else None
