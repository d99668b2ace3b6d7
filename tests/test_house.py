"""The map of the house (docs/architecture.md) as tests: dependencies between domains point one
way, and no door is imported by a domain. Read from the source with ``ast``, so an import inside
a function counts as much as one at the top of a module."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

KAFT = Path(__file__).resolve().parent.parent / "kaft"
DOMAINS = (
    "catalog",
    "members",
    "circulation",
    "billing",
    "notices",
    "privacy",
    "outreach",
    "interlibrary",
)
DOORS = ("portal", "desk", "api", "demo")

# Pairs of domains that still import each other, each a known debt with its way out. The list
# only shrinks: a new pair fails the test, and so does a pair that no longer imports both ways
# (then take it off).
STILL_BOTH_WAYS = {
    # members queue account e-mails (reset code, new address, family request) through notices;
    # notices reads members for every message.
    frozenset({"members", "notices"}),
    # circulation queues "ready for pickup" through notices; notices reads loans for "due soon".
    frozenset({"circulation", "notices"}),
}


def _imports(app: str) -> dict[str, set[str]]:
    """Other kaft apps imported by ``app`` (tests and migrations left out), with the files."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in (KAFT / app).rglob("*.py"):
        if path.relative_to(KAFT / app).parts[0] in ("tests", "migrations"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if len(parts) > 1 and parts[0] == "kaft" and parts[1] != app:
                    found[parts[1]].add(str(path.relative_to(KAFT.parent)))
    return found


def _graph() -> dict[str, dict[str, set[str]]]:
    return {app: _imports(app) for app in (*DOMAINS, "core")}


def test_no_two_domains_import_each_other_beyond_the_known_debts() -> None:
    graph = _graph()
    both_ways = {
        frozenset({a, b})
        for a in DOMAINS
        for b in graph[a]
        if b in DOMAINS and a in graph.get(b, {})
    }
    assert both_ways == STILL_BOTH_WAYS


def test_privacy_imports_no_messages_and_notices_may_use_privacy() -> None:
    # The pair the first walk-through found: privacy announced statements and sent goodbyes by
    # importing notices. Now notices calls privacy, and takes part in erasure as a step.
    graph = _graph()
    assert "notices" not in graph["privacy"], graph["privacy"].get("notices")
    assert "privacy" in graph["notices"]


def test_no_domain_imports_a_door_and_core_imports_no_domain() -> None:
    graph = _graph()
    for domain in DOMAINS:
        assert not set(graph[domain]) & set(DOORS), (domain, graph[domain])
    assert not set(graph["core"]) & {*DOMAINS, *DOORS}, graph["core"]


def test_the_walk_sees_imports_inside_functions() -> None:
    source = "def f():\n    from kaft.notices.tasks import send_notice\n"
    tree = ast.parse(source)
    modules = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert modules == ["kaft.notices.tasks"]


def test_interlibrary_is_the_highest_domain() -> None:
    # It may use every other domain; none of them may use it (only the doors do).
    graph = _graph()
    assert [domain for domain in DOMAINS if "interlibrary" in graph[domain]] == []
    assert not set(graph["interlibrary"]) - {*DOMAINS, "core"}, graph["interlibrary"]
