"""Export: a stored version as a document, and a document as YAML, JSON or CSV text."""

from __future__ import annotations

import json
from typing import Any

import yaml

from roles.document import EMPTY_EXPERIENCE, EMPTY_SALARY, MatrixDocument, document_hash
from roles.interchange import resources as resource_section
from roles.interchange.csv_form import dump_csv
from roles.models import MatrixVersion

FORMATS = ("yaml", "json", "csv")
# Text longer than this is written folded (">-") in YAML so that files stay readable.
FOLD_AT = 72


def export_version(version: MatrixVersion, *, resources: bool = False) -> MatrixDocument:
    """The document of a stored version, in six queries whatever its size; with `resources`,
    also the track's learning resources of its skills (which belong to no version), in one
    more: what a file of the track holds."""
    document = version.to_document()
    if resources:
        skills = [skill["slug"] for skill in document["skills"]]
        found = resource_section.export(version.track_id, skills)
        if found:  # a file without the section leaves a track's resources alone
            document[resource_section.KEY] = found
    return document


def content_hash(version: MatrixVersion) -> str:
    """sha256 of the canonical JSON of the version's content (not the track's name)."""
    return document_hash(export_version(version))


# ---------------------------------------------------------------------------------------------
# Writing files


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as people write them by hand.
        return super().increase_indent(flow, False)


class _FlowList(list):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = None
    if any(mark in value for mark in "\x85\u2028\u2029"):
        # Line breaks other than \n: PyYAML mangles them in any style but escaped double quotes.
        style = '"'
    elif "\n" in value:
        style = "|"
    elif len(value) > FOLD_AT:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(
    _FlowList,
    lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, True),
)


def to_file_form(document: MatrixDocument) -> dict:
    """The document as it is written to a file: empty optional fields left out."""
    track = document["track"]
    result: dict[str, Any] = {
        "track": {
            "slug": track["slug"],
            "name": track["name"],
            **({"description": track["description"]} if track["description"] else {}),
            "ready_threshold": float(track["ready_threshold"]),
            "close_threshold": float(track["close_threshold"]),
        },
        "scale": _FlowList(document["scale"]),
        "categories": [_without_empty(category) for category in document["categories"]],
        "skills": [_without_empty(skill) for skill in document["skills"]],
        "roles": [],
    }
    for role in document["roles"]:
        entry = _without_empty(role)
        if role["salary"] == EMPTY_SALARY:
            entry.pop("salary")
        if role["experience_years"] == EMPTY_EXPERIENCE:
            entry.pop("experience_years")
        if role["requires"]:
            entry["requires"] = {slug: _FlowList(pair) for slug, pair in role["requires"].items()}
        if role["drops"]:
            entry["drops"] = _drop_groups(role["drops"])
        result["roles"].append(entry)
    if document.get(resource_section.KEY):
        result[resource_section.KEY] = {
            skill: [entry | {"levels": _FlowList(entry["levels"])} for entry in entries]
            for skill, entries in resource_section.file_form(document[resource_section.KEY]).items()
        }
    return result


def _drop_groups(drops: dict[str, str]) -> list[dict]:
    """Declared drops as the file writes them: one entry per reason, its skills in skill order,
    the entries in the order of their first skill."""
    groups: dict[str, list[str]] = {}
    for skill, reason in drops.items():
        groups.setdefault(reason, []).append(skill)
    return [{"skills": _FlowList(skills), "reason": reason} for reason, skills in groups.items()]


def _without_empty(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if value not in ("", {}, None)}


def dump(document: MatrixDocument, fmt: str = "yaml") -> str:
    """The document as YAML, JSON or CSV text."""
    if fmt == "csv":
        return dump_csv(document)
    data = to_file_form(document)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.dump(
            data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, indent=2
        )
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
