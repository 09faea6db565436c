"""The package's imports form floors: no import cycle anywhere in `briefing/`, and the
schema (`models.py`) on the ground floor. The graph is grimp's, which reads every import
statement of every module: top-level, inside functions and under TYPE_CHECKING alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

import grimp
import pytest

if TYPE_CHECKING:
    from pathlib import Path

# What the schema may stand on: leaf modules that describe sections and sites. Anything
# more (the stories, the consistency checks, the verifier) would be a floor above it.
SCHEMA_GROUND = {"briefing.sections", "briefing.sites"}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("briefing", cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """One shortest cycle through each import that closes one, as the chain of modules."""
    found: set[tuple[str, ...]] = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                start = min(range(len(back)), key=lambda i: back[i])
                found.add(back[start:] + back[:start])
    return sorted(found)


def test_no_module_of_the_package_imports_itself_round_a_cycle(graph: grimp.ImportGraph) -> None:
    assert cycles(graph) == []


def test_the_schema_imports_nothing_above_it(graph: grimp.ImportGraph) -> None:
    assert graph.find_upstream_modules("briefing.models") <= SCHEMA_GROUND


def test_a_cycle_closed_inside_a_function_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks above can fail: a package whose schema imports its checks inside a
    function (as `models.py` once did) has a cycle, and its schema stands on a floor above."""
    package = tmp_path / "floors"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "def checked():\n    from floors.consistency import check\n\n    return check\n"
    )
    (package / "consistency.py").write_text("from floors import models\n\ncheck = models\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("floors", cache_dir=None)
    assert cycles(graph) == [("floors.consistency", "floors.models")]
    assert graph.find_upstream_modules("floors.models") == {"floors.consistency"}
