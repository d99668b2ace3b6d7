"""Every URL pattern of the project, found in its URL configuration, for the tests that walk them.

The tests that check every page of a door (defence headers, portal isolation, the desk's access
log, no server errors) do not list the pages by hand: each takes :func:`routes` and keeps the
ones it checks, so a page is checked the day it is added. A test that fills the arguments into
the path itself passes its routes through :func:`path_routes`, which fails on a pattern written
with ``re_path`` (its arguments cannot be filled in that way).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    namespace: str  # "portal", "desk" ("a:b" when nested); "" outside any namespace
    url_name: str | None  # "search"
    route: str  # "titel/<int:record_id>/": the whole pattern, without the leading slash
    arguments: tuple[str, ...]  # ("record_id",)
    converters: tuple[str, ...]  # ("int",): "str" where path() names none, "regex" for re_path

    @property
    def name(self) -> str:
        """The name ``reverse`` takes: ``"portal:search"``, or ``"set_language"``."""
        return f"{self.namespace}:{self.url_name}" if self.namespace else str(self.url_name)

    @property
    def door(self) -> str:
        """The app's namespace (``portal``, ``desk``, ``admin``); outside any namespace, the first
        part of the path (``i18n``)."""
        return self.namespace.split(":")[0] if self.namespace else self.route.split("/")[0]

    @property
    def regex(self) -> bool:
        return self.route.startswith("^") or "(?P" in self.route

    def path(self, values: Mapping[str, object]) -> str:
        return "/" + ARGUMENT.sub(lambda match: str(values[match["name"]]), self.route)


def _arguments(pattern: Any) -> list[tuple[str, str]]:
    """The (name, converter) of each argument one pattern (not its parents) takes."""
    if isinstance(pattern, RoutePattern):
        return [(m["name"], m["converter"] or "str") for m in ARGUMENT.finditer(str(pattern))]
    return [(name, "regex") for name in pattern.regex.groupindex]  # re_path, i18n_patterns


def routes() -> list[Route]:
    """Every URL pattern of the project, in the order Django tries them."""
    found: list[Route] = []

    def walk(
        patterns: Iterable[Any], prefix: str, namespace: str, inherited: list[tuple[str, str]]
    ) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            arguments = inherited + _arguments(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, route, inner, arguments)
            elif isinstance(entry, URLPattern):
                names = tuple(name for name, _converter in arguments)
                converters = tuple(converter for _name, converter in arguments)
                found.append(Route(namespace, entry.name, route, names, converters))

    walk(get_resolver().url_patterns, "", "", [])
    return found


def path_routes(kept: Iterable[Route]) -> list[Route]:
    """``kept``, failing on a pattern written with ``re_path``: use path() so it can be walked."""
    kept = list(kept)
    for route in kept:
        if route.regex:
            pytest.fail(f"regular-expression URL {route.route!r}: use path() so it can be walked")
    return kept
