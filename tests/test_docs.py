"""Docs that tests keep honest: the examples in them are what the code accepts."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ces.survey import parse_survey
from kiosk.flow.texts import SUPPORTED_LOCALES

ROOT = Path(__file__).resolve().parent.parent


def json_blocks(path: Path) -> list[str]:
    return re.findall(r"```json\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_the_survey_format_example_is_a_valid_survey() -> None:
    (example,) = json_blocks(ROOT / "docs" / "survey-format.md")
    survey = parse_survey(example.encode(), source="survey-format.md")
    assert survey.id == "returns_desk"


def test_the_survey_format_names_every_supported_locale() -> None:
    text = (ROOT / "docs" / "survey-format.md").read_text(encoding="utf-8")
    for locale in SUPPORTED_LOCALES:
        assert f"`{locale}`" in text


def test_the_readme_links_resolve() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", readme)
    assert targets
    missing = [t for t in targets if not t.startswith("http") and not (ROOT / t).exists()]
    assert missing == []


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        found.update(o for o in action.option_strings if o.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def test_every_ces_hq_option_is_in_the_readme() -> None:
    from hq.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(
        o for o in _options(build_parser()) - {"--help", "--version"} if o not in readme
    )
    assert missing == []


def _commands(parser: argparse.ArgumentParser, prefix: str) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.add(f"{prefix} {name}")
                found |= _commands(sub, f"{prefix} {name}")
    return found


def test_every_ces_hq_command_is_in_the_readme() -> None:
    from hq.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(c for c in _commands(build_parser(), "ces-hq") if c not in readme)
    assert missing == []
