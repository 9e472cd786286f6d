"""Read a matrix file: YAML, JSON or CSV text into a validated document, remembering the
line of every place in YAML and the keys given twice, so that problems name their line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from roles.document import MatrixDocument
from roles.interchange import checks
from roles.interchange.csv_form import parse_csv
from roles.interchange.problems import InterchangeError, Where
from roles.interchange.validate import validate_document


def read_document(path: str | Path, *, track_slug: str | None = None) -> MatrixDocument:
    """Read and validate a YAML, JSON or CSV file into a document (CSV needs the track)."""
    path = Path(path)
    source = path.name
    if not path.exists():
        raise InterchangeError([f"{path}: no such file"])
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json", ".csv"):
        raise InterchangeError(
            [f"{source}: unknown file type {suffix or '(none)'!r}; use .yaml, .yml, .json or .csv"]
        )
    try:
        checks.file_size(source, path.stat().st_size)
        raw = path.read_bytes()
    except OSError as error:
        raise InterchangeError([f"{path}: cannot be read ({error.strerror})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InterchangeError(
            [f"{source}:{line}: not UTF-8 text (byte {error.start} is {raw[error.start]:#04x})"]
        ) from None
    if suffix == ".csv":
        if not track_slug:
            raise InterchangeError(
                [f"{source}: a CSV file holds requirements only; name its track with --track SLUG"]
            )
        return parse_csv(text, source, track_slug)
    document = parse_document(text, source, "json" if suffix == ".json" else "yaml")
    if track_slug and track_slug != document["track"]["slug"]:
        raise InterchangeError(
            [
                f"{source}: track.slug: the file is for track {document['track']['slug']!r}, "
                f"not {track_slug!r}"
            ]
        )
    return document


def parse_document(text: str, source: str, fmt: str = "yaml") -> MatrixDocument:
    """Parse and validate YAML or JSON text; `source` names it in problem messages."""
    checks.file_size(source, len(text.encode()))
    if fmt == "json":
        return validate_document(_load_json(text, source), source)
    data, lines, duplicates = _load_yaml(text, source)
    return validate_document(data, source, lines=lines, duplicates=duplicates)


# libyaml's parser when PyYAML was built with it: the shipped ladders load many times faster.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str, source: str) -> tuple[Any, dict[Where, int], list]:
    lines: dict[Where, int] = {}
    duplicates: list[tuple[Where, str, int]] = []
    loader = _YamlLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, lines, duplicates
        # Walk before constructing: construction flattens merge keys in place.
        _walk_yaml(root, (), lines, duplicates, set())
        return loader.construct_document(root), lines, duplicates
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(error, "problem", None) or str(error)
        raise InterchangeError([f"{place}: not valid YAML: {problem}"]) from None
    except (ValueError, OverflowError, RecursionError) as error:
        # e.g. a date-like value that is no date (2024-02-30)
        raise InterchangeError([f"{source}: not valid YAML: {error}"]) from None
    finally:
        loader.dispose()


def _walk_yaml(node, where: Where, lines: dict, duplicates: list, seen: set) -> None:
    """Record the line of every path, and keys given twice (PyYAML keeps the last silently)."""
    lines.setdefault(where, node.start_mark.line + 1)
    if id(node) in seen:  # an alias: walked already
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in keys:
                duplicates.append((where, key, line))
            else:
                keys[key] = line
            lines.setdefault((*where, key), line)
            _walk_yaml(value_node, (*where, key), lines, duplicates, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_yaml(item, (*where, index), lines, duplicates, seen)


class _JsonObject(dict):
    duplicate_keys: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    result = _JsonObject(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        result.duplicate_keys = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return result


def _load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_object) if text.strip() else None
    except json.JSONDecodeError as error:
        raise InterchangeError(
            [f"{source}:{error.lineno}: not valid JSON: {error.msg} (column {error.colno})"]
        ) from None
    except RecursionError:
        raise InterchangeError([f"{source}: not valid JSON: nested too deeply"]) from None
