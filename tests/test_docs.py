"""The format reference and the README keep up with the format's definitions."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

from journeymap.workspace.business import BUSINESS
from journeymap.workspace.load import load_workspace
from journeymap.workspace.schema import CLIENT, JOURNEY, PERSON, STAGE, TOUCHPOINT


def test_every_key_is_in_the_format_reference() -> None:
    reference = (REPO / "docs" / "format.md").read_text()
    for record in (JOURNEY, STAGE, TOUCHPOINT, PERSON, CLIENT, BUSINESS):
        for field in record.fields:
            assert f"| `{field.name}` |" in reference, (record.kind, field.name)


def test_the_readme_journey_example_is_valid(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    example = re.search(r"```yaml\n(title: .*?)```", readme, re.S)
    assert example
    (tmp_path / "journeys" / "team").mkdir(parents=True)
    (tmp_path / "journeys" / "j.yml").write_text(example.group(1))
    loaded = load_workspace(tmp_path)
    assert loaded.problems == []
    assert [t.id for t in loaded.workspace.journeys["j"].touchpoints] == [
        "deep-dive", "welcome-gift"
    ]
