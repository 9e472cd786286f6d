"""Matrix interchange: read a track's matrix from YAML, JSON or CSV, validate all of it, diff it
against what is stored, import it as a draft version, and export any version back.

The *document* is a plain dict shaped like the YAML file (docs/interchange.md) with every
optional field filled in and everything in canonical order. validate_document() builds one from
a file and export_version() builds one from the database, so the two compare exactly.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from roles.document import (
    EMPTY_EXPERIENCE,
    EMPTY_SALARY,
    FOUR_PLACES,
    MatrixDocument,
    canonical_order,
    decimal_text,
    document_hash,
    version_content,
)
from roles.models import (
    IMPORTANCE_NAMES,
    MAX_SCALE_LEVEL,
    MIN_SCALE_LEVEL,
    Category,
    MatrixVersion,
    Requirement,
    Role,
    Skill,
    Track,
)

FORMATS = ("yaml", "json", "csv")
CSV_HEADER = (
    "role",
    "role_title",
    "rank",
    "category",
    "skill",
    "skill_name",
    "level",
    "importance",
)
TOP_LEVEL_KEYS = ("track", "scale", "categories", "skills", "roles")
DEFAULT_READY = Decimal("0.9000")
DEFAULT_CLOSE = Decimal("0.7500")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
SLUG_MAX = Skill._meta.get_field("slug").max_length
NAME_MAX = Skill._meta.get_field("name").max_length
TITLE_MAX = Role._meta.get_field("title").max_length
SOURCE_MAX = Role._meta.get_field("salary_source").max_length
# Column limits of PositiveIntegerField / PositiveSmallIntegerField on every supported database.
INTEGER_MAX = 2_147_483_647
SMALL_INTEGER_MAX = 32_767
YEAR_RANGE = (1900, 2100)
EXPERIENCE_MAX = 80
# Text longer than this is written folded (">-") in YAML so that files stay readable.
FOLD_AT = 72

Where = tuple[str | int, ...]


class InterchangeError(Exception):
    """A file that cannot be imported, with every problem found in it."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def report(self) -> str:
        count = len(self.problems)
        heading = "1 problem" if count == 1 else f"{count} problems"
        return f"{heading}; nothing was imported.\n" + "\n".join(self.problems)


# ---------------------------------------------------------------------------------------------
# Reading files


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


# ---------------------------------------------------------------------------------------------
# Validation


class _Problems:
    """Problems with their place: `file:line: path: message` (line where the file has one)."""

    def __init__(self, source: str, lines: dict[Where, int] | None = None):
        self.source = source
        self.lines = lines or {}
        self.messages: list[str] = []

    def add(self, where: Where, message: str, *, at: Where | None = None) -> None:
        line = self._line(where if at is None else at)
        place = self.source if line is None else f"{self.source}:{line}"
        path = _path_text(where)
        self.messages.append(f"{place}: {path}: {message}" if path else f"{place}: {message}")

    def _line(self, where: Where) -> int | None:
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return None

    def raise_if_any(self) -> None:
        if self.messages:
            raise InterchangeError(self.messages)


def _path_text(where: Where) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _mapping(problems: _Problems, value: Any, where: Where, *, required=(), optional=()) -> bool:
    """Is value a mapping? Reports its unknown and missing keys."""
    if not _is_mapping(problems, value, where):
        return False
    allowed = (*required, *optional)
    for key in value:
        if key not in allowed:
            name = str(key)
            problems.add(
                where, f"unknown key {name!r}{_did_you_mean(name, allowed)}", at=(*where, name)
            )
    for key in required:
        if key not in value:
            problems.add(where, f"missing required key {key!r}")
    return True


def _is_mapping(problems: _Problems, value: Any, where: Where) -> bool:
    if not isinstance(value, dict):
        problems.add(where, f"expected a mapping, got {_kind(value)}")
        return False
    for key in getattr(value, "duplicate_keys", ()):  # JSON; YAML reports them with lines
        problems.add(where, f"key {key!r} is given more than once")
    return True


def _text(
    problems: _Problems, value: Any, where: Where, *, required: bool = True, max_length=None
) -> str | None:
    """Stripped text; None when missing or invalid. Optional text may be null or empty."""
    if value is MISSING:
        return None if required else ""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        hint = ""
        if isinstance(value, bool | int | float | date):
            hint = " (put it in quotes to use it as text)"
        problems.add(where, f"expected text, got {_kind(value)}{hint}")
        return None
    value = value.strip()
    if required and not value:
        problems.add(where, "must not be empty")
        return None
    if max_length is not None and len(value) > max_length:
        problems.add(where, f"is {len(value)} characters long; the limit is {max_length}")
        return None
    return value


def _slug(problems: _Problems, value: Any, where: Where) -> str | None:
    slug = _text(problems, value, where, max_length=SLUG_MAX)
    if slug is not None and not SLUG_RE.match(slug):
        problems.add(
            where,
            f"{slug!r} is not a valid slug (use lowercase letters, digits and single hyphens)",
        )
        return None
    return slug


def _whole(
    problems: _Problems,
    value: Any,
    where: Where,
    *,
    minimum: int = 0,
    maximum: int = INTEGER_MAX,
    required: bool = True,
    name: str = "",
) -> int | None:
    """A whole number in minimum..maximum; None when missing, null (if optional) or invalid."""
    if value is MISSING or (value is None and not required):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(
            where, f"expected a whole number{' for ' + name if name else ''}, got {_kind(value)}"
        )
        return None
    label = f"{name} {value}" if name else str(value)
    if value < minimum:
        problems.add(
            where,
            f"{label} must not be negative"
            if minimum == 0
            else f"{label} must be at least {minimum}",
        )
        return None
    if value > maximum:
        problems.add(where, f"{label} is above the limit {maximum}")
        return None
    return value


def _threshold(
    problems: _Problems, value: Any, where: Where, *, default: Decimal, zero_allowed: bool
) -> Decimal | None:
    if value is MISSING:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(where, f"expected a number between 0 and 1, got {_kind(value)}")
        return None
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    low = "[0" if zero_allowed else "(0"
    if not number.is_finite() or number > 1 or number < 0 or (number == 0 and not zero_allowed):
        problems.add(where, f"{value!r} is outside {low}, 1]")
        return None
    if number != number.quantize(FOUR_PLACES):
        problems.add(where, f"{value!r} has more than 4 decimal places")
        return None
    return number.quantize(FOUR_PLACES)


def _unique(
    problems: _Problems, seen: dict[str, Where], slug: str | None, where: Where, what="slug"
) -> None:
    if slug is None:
        return
    if slug in seen:
        problems.add(where, f"duplicate {what} {slug!r} (first at {_path_text(seen[slug][:-1])})")
    else:
        seen[slug] = where


def _list(problems: _Problems, value: Any, where: Where, *, what: str) -> list | None:
    if not isinstance(value, list):
        problems.add(where, f"expected a list of {what}, got {_kind(value)}")
        return None
    if not value:
        problems.add(where, f"must list at least one of the {what}")
    return value


def validate_document(
    data: Any,
    source: str,
    *,
    lines: dict[Where, int] | None = None,
    duplicates: list[tuple[Where, str, int]] | None = None,
) -> MatrixDocument:
    """Check everything in parsed YAML/JSON data and return the normalised document, or raise
    InterchangeError listing every problem with its place."""
    if data is None:
        raise InterchangeError([f"{source}: the file is empty"])
    if not isinstance(data, dict):
        raise InterchangeError(
            [
                f"{source}: expected a mapping with the keys {', '.join(TOP_LEVEL_KEYS)}; "
                f"got {_kind(data)}"
            ]
        )
    problems = _Problems(source, lines)
    for where, key, line in duplicates or ():
        problems.add(
            where, f"key {key!r} is given more than once (again on line {line})", at=(*where, key)
        )
    _mapping(problems, data, (), required=TOP_LEVEL_KEYS)

    track = _validate_track(problems, data.get("track", MISSING))
    scale = _validate_scale(problems, data.get("scale", MISSING))
    top = len(scale) - 1 if scale else None
    categories = _validate_categories(problems, data.get("categories", MISSING))
    category_slugs = None if categories is None else [c["slug"] for c in categories]
    skills = _validate_skills(problems, data.get("skills", MISSING), category_slugs, top)
    skill_slugs = None if skills is None else [s["slug"] for s in skills]
    roles = _validate_roles(problems, data.get("roles", MISSING), skill_slugs, top)
    problems.raise_if_any()
    return canonical_order(
        {"track": track, "scale": scale, "categories": categories, "skills": skills, "roles": roles}
    )


def _fields(problems: _Problems, mapping: dict, where: Where):
    """`field(key, check, **options)` checks mapping[key] (MISSING when absent) at its path."""

    def field(key: str, check, **options):
        return check(problems, mapping.get(key, MISSING), (*where, key), **options)

    return field


def _raw_text(value: Any) -> str | None:
    # An invalid slug stays known, so that the entries naming it raise no echo problems.
    return value if isinstance(value, str) else None


def _validate_track(problems: _Problems, value: Any) -> dict | None:
    if value is MISSING:
        return None
    where: Where = ("track",)
    optional = ("description", "ready_threshold", "close_threshold")
    if not _mapping(problems, value, where, required=("slug", "name"), optional=optional):
        return None
    field = _fields(problems, value, where)
    slug, name = field("slug", _slug), field("name", _text, max_length=NAME_MAX)
    description = field("description", _text, required=False)
    ready = field("ready_threshold", _threshold, default=DEFAULT_READY, zero_allowed=False)
    close = field("close_threshold", _threshold, default=DEFAULT_CLOSE, zero_allowed=True)
    if ready is not None and close is not None and close > ready:
        problems.add(
            (*where, "close_threshold"),
            f"{decimal_text(close)} is above ready_threshold {decimal_text(ready)}",
        )
    return {
        "slug": slug,
        "name": name,
        "description": description,
        "ready_threshold": ready,
        "close_threshold": close,
    }


def _validate_scale(problems: _Problems, value: Any) -> list[str] | None:
    if value is MISSING:
        return None
    where: Where = ("scale",)
    if not isinstance(value, list):
        problems.add(where, f"expected a list of level names, got {_kind(value)}")
        return None
    lowest, highest = MIN_SCALE_LEVEL + 1, MAX_SCALE_LEVEL + 1
    valid = lowest <= len(value) <= highest
    if not valid:
        problems.add(
            where,
            f"has {len(value)} level names; a scale needs {lowest} to {highest} "
            f"(levels 0..{MIN_SCALE_LEVEL} to 0..{MAX_SCALE_LEVEL})",
        )
    names: list[str] = []
    seen: dict[str, Where] = {}
    for index, item in enumerate(value):
        name = _text(problems, item, (*where, index), max_length=NAME_MAX)
        if name is None:
            valid = False
        elif name in seen:
            problems.add(
                (*where, index),
                f"duplicate level name {name!r} (first at {_path_text(seen[name])})",
            )
            valid = False
        else:
            seen[name] = (*where, index)
            names.append(name)
    return names if valid else None


def _validate_categories(problems: _Problems, value: Any) -> list[dict] | None:
    if value is MISSING:
        return None
    items = _list(problems, value, ("categories",), what="categories")
    categories = []
    seen: dict[str, Where] = {}
    for index, item in enumerate(items or ()):
        where: Where = ("categories", index)
        if _mapping(problems, item, where, required=("slug", "name"), optional=("description",)):
            field = _fields(problems, item, where)
            slug = field("slug", _slug)
            _unique(problems, seen, slug, (*where, "slug"))
            categories.append(
                {
                    "slug": slug or _raw_text(item.get("slug")),
                    "name": field("name", _text, max_length=NAME_MAX),
                    "description": field("description", _text, required=False),
                }
            )
    return None if items is None else categories


def _validate_skills(
    problems: _Problems, value: Any, category_slugs: list[str] | None, top: int | None
) -> list[dict] | None:
    if value is MISSING:
        return None
    items = _list(problems, value, ("skills",), what="skills")
    skills = []
    seen: dict[str, Where] = {}
    required, optional = ("slug", "name", "category"), ("description", "levels")
    for index, item in enumerate(items or ()):
        where: Where = ("skills", index)
        if not _mapping(problems, item, where, required=required, optional=optional):
            continue
        field = _fields(problems, item, where)
        slug = field("slug", _slug)
        _unique(problems, seen, slug, (*where, "slug"))
        category = field("category", _text)
        if category is not None and category_slugs is not None and category not in category_slugs:
            problems.add(
                (*where, "category"),
                f"unknown category {category!r}{_did_you_mean(category, category_slugs)}",
            )
        skills.append(
            {
                "slug": slug or _raw_text(item.get("slug")),
                "name": field("name", _text, max_length=NAME_MAX),
                "category": category,
                "description": field("description", _text, required=False),
                "levels": field("levels", _validate_levels, top=top),
            }
        )
    return None if items is None else skills


def _level_key(key: Any) -> int | None:
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and re.fullmatch(r"[0-9]+", key.strip()):
        return int(key)
    return None


def _validate_levels(problems: _Problems, value: Any, where: Where, *, top: int | None) -> dict:
    """Behaviour statements by level 1..N; null or empty statements are simply absent."""
    if value is MISSING or value is None or not _is_mapping(problems, value, where):
        return {}
    statements: dict[int, str] = {}
    for key, text in value.items():
        level = _level_key(key)
        at = (*where, str(key))
        if level is None:
            problems.add(at, f"level keys are whole numbers 1..{top or MAX_SCALE_LEVEL}")
        elif _level_in_scale(problems, level, at, top) is None:
            continue
        elif level in statements:
            problems.add(at, f"level {level} is given more than once")
        else:
            statement = _text(problems, text, at, required=False)
            if statement:
                statements[level] = statement
    return dict(sorted(statements.items()))


def _validate_roles(
    problems: _Problems, value: Any, skill_slugs: list[str] | None, top: int | None
) -> list[dict] | None:
    if value is MISSING:
        return None
    items = _list(problems, value, ("roles",), what="roles")
    roles = []
    seen: dict[str, Where] = {}
    required = ("slug", "title", "rank")
    optional = ("summary", "salary", "experience_years", "requires")
    for index, item in enumerate(items or ()):
        where: Where = ("roles", index)
        if not _mapping(problems, item, where, required=required, optional=optional):
            continue
        field = _fields(problems, item, where)
        slug = field("slug", _slug)
        _unique(problems, seen, slug, (*where, "slug"))
        roles.append(
            {
                "slug": slug,
                "title": field("title", _text, max_length=TITLE_MAX),
                "rank": field("rank", _whole, minimum=1, maximum=SMALL_INTEGER_MAX, name="rank"),
                "summary": field("summary", _text, required=False),
                "salary": field("salary", _validate_salary),
                "experience_years": field("experience_years", _validate_experience),
                "requires": field("requires", _validate_requires, skills=skill_slugs, top=top),
            }
        )
    return None if items is None else roles


def _validate_salary(problems: _Problems, value: Any, where: Where) -> dict:
    if value is MISSING or value is None:
        return dict(EMPTY_SALARY)
    if not _mapping(problems, value, where, optional=tuple(EMPTY_SALARY)):
        return dict(EMPTY_SALARY)
    field = _fields(problems, value, where)
    salary = {
        "min": field("min", _whole, required=False, name="min"),
        "max": field("max", _whole, required=False, name="max"),
        "average": field("average", _whole, required=False, name="average"),
        "currency": field("currency", _text, required=False),
        "year": field(
            "year",
            _whole,
            required=False,
            name="year",
            minimum=YEAR_RANGE[0],
            maximum=YEAR_RANGE[1],
        ),
        "source": field("source", _text, required=False, max_length=SOURCE_MAX),
    }
    if salary["currency"] and not CURRENCY_RE.match(salary["currency"]):
        problems.add(
            (*where, "currency"), f"{salary['currency']!r} is not a three-letter code like USD"
        )
    if salary["min"] is not None and salary["max"] is not None and salary["min"] > salary["max"]:
        problems.add(where, f"min {salary['min']} is above max {salary['max']}")
    return salary


def _validate_experience(problems: _Problems, value: Any, where: Where) -> dict:
    if value is MISSING or value is None:
        return dict(EMPTY_EXPERIENCE)
    if not _mapping(problems, value, where, optional=tuple(EMPTY_EXPERIENCE)):
        return dict(EMPTY_EXPERIENCE)
    field = _fields(problems, value, where)
    low = field("min", _whole, required=False, maximum=EXPERIENCE_MAX, name="min")
    high = field("max", _whole, required=False, maximum=EXPERIENCE_MAX, name="max")
    if low is not None and high is not None and low > high:
        problems.add(where, f"min {low} is above max {high}")
    return {"min": low, "max": high}


def _validate_requires(
    problems: _Problems, value: Any, where: Where, *, skills: list[str] | None, top: int | None
) -> dict:
    if value is MISSING or value is None or not _is_mapping(problems, value, where):
        return {}
    requires: dict[str, list[int]] = {}
    for skill, pair in value.items():
        at = (*where, str(skill))
        if not isinstance(skill, str):
            problems.add(at, f"expected a skill slug, got {_kind(skill)}")
            continue
        if skills is not None and skill not in skills:
            problems.add(at, f"unknown skill {skill!r}{_did_you_mean(skill, skills)}")
        if not isinstance(pair, list) or len(pair) != 2:
            got = f"a list of {len(pair)}" if isinstance(pair, list) else _kind(pair)
            problems.add(at, f"expected [level, importance], got {got}")
            continue
        level = _requirement_level(problems, pair[0], at, top)
        importance = _importance(problems, pair[1], at)
        if level is not None and importance is not None:
            requires[skill] = [level, importance]
    return requires


def _requirement_level(problems: _Problems, value: Any, where: Where, top: int | None):
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(where, f"level: expected a whole number, got {_kind(value)}")
        return None
    return _level_in_scale(problems, value, where, top)


def _level_in_scale(problems: _Problems, level: int, where: Where, top: int | None) -> int | None:
    # Without a valid scale only the widest one is known.
    if not 1 <= level <= (top or MAX_SCALE_LEVEL):
        scale = f"the scale 1..{top}" if top else f"1..{MAX_SCALE_LEVEL}"
        problems.add(where, f"level {level} is outside {scale}")
        return None
    return level


def _importance(problems: _Problems, value: Any, where: Where) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(where, f"importance: expected a whole number, got {_kind(value)}")
        return None
    if value not in IMPORTANCE_NAMES:
        problems.add(where, f"importance {value} is outside 1..3 ({_importance_legend()})")
        return None
    return value


def _importance_legend() -> str:
    return ", ".join(f"{k} {v.lower()}" for k, v in IMPORTANCE_NAMES.items())


# ---------------------------------------------------------------------------------------------
# CSV: the requirement matrix in long form


def parse_csv(text: str, source: str, track_slug: str) -> MatrixDocument:
    """The track's draft (or current version) with the requirements of every role the CSV
    names replaced by its rows; those roles' titles and ranks come from the CSV too."""
    track = Track.objects.filter(slug=track_slug).first()
    if track is None:
        raise InterchangeError([f"{source}: unknown track {track_slug!r}"])
    base_version = track.draft_version() or track.current_version()
    if base_version is None:
        raise InterchangeError(
            [f"{source}: track {track_slug!r} has no version yet; import its YAML file first"]
        )
    document = export_version(base_version)
    label = f"{track_slug} v{base_version.number}"
    problems = _Problems(source)
    rows = _csv_rows(text, source)
    if not rows:
        raise InterchangeError([f"{source}: the file is empty"])
    header_line, header = rows[0]
    if tuple(cell.strip().lower() for cell in header) != CSV_HEADER:
        raise InterchangeError(
            [f"{source}:{header_line}: expected the header {','.join(CSV_HEADER)}"]
        )
    if len(rows) == 1:
        raise InterchangeError([f"{source}: has a header but no requirement rows"])

    roles = {role["slug"]: role for role in document["roles"]}
    skills = {skill["slug"]: skill for skill in document["skills"]}
    top = len(document["scale"]) - 1
    updates: dict[str, dict] = {}
    first_seen: dict[tuple[str, str], int] = {}
    for line, cells in rows[1:]:
        place = f"{source}:{line}"
        if len(cells) != len(CSV_HEADER):
            problems.messages.append(
                f"{place}: expected {len(CSV_HEADER)} columns, got {len(cells)}"
            )
            continue
        row = dict(zip(CSV_HEADER, (cell.strip() for cell in cells), strict=True))
        row_problems: list[str] = []
        role = roles.get(row["role"])
        if role is None:
            row_problems.append(
                f"unknown role {row['role']!r} in {label}{_did_you_mean(row['role'], roles)}"
            )
        skill = skills.get(row["skill"])
        if skill is None:
            row_problems.append(
                f"unknown skill {row['skill']!r} in {label}{_did_you_mean(row['skill'], skills)}"
            )
        else:
            if row["category"] and row["category"] != skill["category"]:
                row_problems.append(
                    f"skill {skill['slug']!r} is in category {skill['category']!r}, not "
                    f"{row['category']!r} (a CSV import does not move skills)"
                )
            if row["skill_name"] and row["skill_name"] != skill["name"]:
                row_problems.append(
                    f"skill {skill['slug']!r} is named {skill['name']!r}, not "
                    f"{row['skill_name']!r} (a CSV import does not rename skills)"
                )
        title = row["role_title"]
        if not title:
            row_problems.append("role_title must not be empty")
        elif len(title) > TITLE_MAX:
            row_problems.append(
                f"role_title is {len(title)} characters long; the limit is {TITLE_MAX}"
            )
        rank = _csv_whole(row_problems, row["rank"], "rank", 1, SMALL_INTEGER_MAX)
        level = _csv_whole(row_problems, row["level"], "level", 1, top, scale=True)
        importance = _csv_whole(row_problems, row["importance"], "importance", 1, 3)
        if role is not None and skill is not None:
            key = (role["slug"], skill["slug"])
            if key in first_seen:
                row_problems.append(f"{key[0]} requires {key[1]} already on line {first_seen[key]}")
            first_seen.setdefault(key, line)
        if role is not None and not row_problems:
            update = updates.setdefault(
                role["slug"], {"title": title, "rank": rank, "line": line, "requires": {}}
            )
            if update["title"] != title:
                row_problems.append(
                    f"role {role['slug']!r} has title {title!r} here but "
                    f"{update['title']!r} on line {update['line']}"
                )
            if update["rank"] != rank:
                row_problems.append(
                    f"role {role['slug']!r} has rank {rank} here but "
                    f"{update['rank']} on line {update['line']}"
                )
            update["requires"][skill["slug"]] = [level, importance]
        problems.messages.extend(f"{place}: {message}" for message in row_problems)
    problems.raise_if_any()

    for slug, update in updates.items():
        roles[slug].update(title=update["title"], rank=update["rank"], requires=update["requires"])
    return canonical_order(document)


def _csv_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Non-blank rows with the line each starts on."""
    reader = csv.reader(io.StringIO(text))
    rows = []
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
    except csv.Error as error:
        raise InterchangeError([f"{source}:{reader.line_num}: not valid CSV: {error}"]) from None
    return rows


def _csv_whole(
    row_problems: list[str], text: str, name: str, low: int, high: int, *, scale: bool = False
) -> int | None:
    if not re.fullmatch(r"-?[0-9]+", text):
        row_problems.append(f"{name} {text!r} is not a whole number")
        return None
    value = int(text)
    if not low <= value <= high:
        where = f"the scale {low}..{high}" if scale else f"{low}..{high}"
        row_problems.append(f"{name} {value} is outside {where}")
        return None
    return value


# ---------------------------------------------------------------------------------------------
# Export and the content hash


def export_version(version: MatrixVersion) -> MatrixDocument:
    """The document of a stored version, in five queries whatever its size."""
    return version.to_document()


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
        result["roles"].append(entry)
    return result


def _without_empty(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if value not in ("", {}, None)}


def dump(document: MatrixDocument, fmt: str = "yaml") -> str:
    """The document as YAML, JSON or CSV text."""
    if fmt == "csv":
        return _dump_csv(document)
    data = to_file_form(document)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.dump(
            data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, indent=2
        )
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _dump_csv(document: MatrixDocument) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    skills = {skill["slug"]: skill for skill in document["skills"]}
    for role in document["roles"]:
        for slug, (level, importance) in role["requires"].items():
            skill = skills[slug]
            writer.writerow(
                [
                    role["slug"],
                    role["title"],
                    role["rank"],
                    skill["category"],
                    slug,
                    skill["name"],
                    level,
                    importance,
                ]
            )
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# Diff


@dataclass(frozen=True)
class Change:
    action: str  # "+" added, "-" removed, "~" changed
    kind: str  # scale, threshold, category, skill, role, requirement, order
    name: str
    detail: str = ""

    def line(self) -> str:
        text = " ".join(part for part in (self.action, self.kind, self.name) if part)
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True)
class MatrixDiff:
    changes: tuple[Change, ...] = ()
    is_new: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.is_new

    def count(self, kind: str, action: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action == action)

    def lines(self) -> list[str]:
        return [change.line() for change in self.changes]


def diff(old: MatrixDocument | None, new: MatrixDocument) -> MatrixDiff:
    """What changes in the content when `new` replaces `old` (None: nothing stored yet)."""
    if old is None:
        return MatrixDiff(is_new=True)
    changes: list[Change] = []
    if old["scale"] != new["scale"]:
        changes.append(
            Change("~", "scale", "", f"{_list_text(old['scale'])} -> {_list_text(new['scale'])}")
        )
    for name in ("ready_threshold", "close_threshold"):
        before, after = old["track"][name], new["track"][name]
        if before != after:
            changes.append(
                Change("~", "threshold", name, f"{decimal_text(before)} -> {decimal_text(after)}")
            )
    changes += _diff_entries("category", old["categories"], new["categories"], _category_changes)
    changes += _diff_entries("skill", old["skills"], new["skills"], _skill_changes)
    changes += _diff_entries("role", old["roles"], new["roles"], _role_changes)
    changes += _diff_requirements(old["roles"], new["roles"])
    return MatrixDiff(changes=tuple(changes))


def _diff_entries(kind: str, old: list[dict], new: list[dict], describe) -> list[Change]:
    before = {entry["slug"]: entry for entry in old}
    after = {entry["slug"]: entry for entry in new}
    changes = [
        Change("+", kind, slug, _added_detail(kind, after[slug]))
        for slug in after
        if slug not in before
    ]
    changes += [Change("-", kind, slug) for slug in before if slug not in after]
    for slug, entry in after.items():
        if slug in before:
            detail = describe(before[slug], entry)
            if detail:
                changes.append(Change("~", kind, slug, ", ".join(detail)))
    return changes + _order_changes(kind, before, after)


def _order_changes(kind: str, before: dict, after: dict) -> list[Change]:
    """Order changes inside each group (skills of a category, roles of a rank). Moves between
    groups show as category or rank changes, and group order as the order of categories."""
    group_key = {"skill": "category", "role": "rank"}.get(kind)
    groups: dict[Any, list[str]] = {}
    for slug, entry in after.items():
        if slug in before:
            groups.setdefault(entry[group_key] if group_key else None, []).append(slug)
    changes = []
    for key, slugs in groups.items():
        previous = [slug for slug in before if slug in slugs]
        if previous != slugs:
            place = {"skill": f" in {key}", "role": f" at rank {key}"}.get(kind, "")
            changes.append(Change("~", "order", f"of {_plural(kind)}{place}", ", ".join(slugs)))
    return changes


def _plural(kind: str) -> str:
    return "categories" if kind == "category" else f"{kind}s"


def _added_detail(kind: str, entry: dict) -> str:
    if kind == "role":
        count = len(entry["requires"])
        return f"rank {entry['rank']}, {count} requirement{'s' if count != 1 else ''}"
    if kind == "skill":
        return f"in {entry['category']}"
    return ""


def _category_changes(old: dict, new: dict) -> list[str]:
    return _field_changes(old, new, ("name", "description"))


def _skill_changes(old: dict, new: dict) -> list[str]:
    details = _field_changes(old, new, ("name", "category", "description"))
    levels = sorted(
        level
        for level in set(old["levels"]) | set(new["levels"])
        if old["levels"].get(level) != new["levels"].get(level)
    )
    if levels:
        details.append(
            f"level statement{'s' if len(levels) > 1 else ''} " + ", ".join(map(str, levels))
        )
    return details


def _role_changes(old: dict, new: dict) -> list[str]:
    return _field_changes(old, new, ("title", "rank", "summary", "salary", "experience_years"))


def _field_changes(old: dict, new: dict, fields: tuple[str, ...]) -> list[str]:
    details = []
    for name in fields:
        before, after = old[name], new[name]
        if before == after:
            continue
        if name in ("description", "summary"):
            details.append(name)
        elif isinstance(after, dict):
            parts = [
                f"{key} {_value_text(before[key])} -> {_value_text(after[key])}"
                for key in after
                if before[key] != after[key]
            ]
            details.append(f"{name} ({', '.join(parts)})")
        else:
            details.append(f"{name} {_value_text(before)} -> {_value_text(after)}")
    return details


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "none"
    return repr(value) if isinstance(value, str) else str(value)


def _list_text(values: list) -> str:
    return "[" + ", ".join(map(str, values)) + "]"


def _diff_requirements(old_roles: list[dict], new_roles: list[dict]) -> list[Change]:
    """Requirement changes of roles on both sides (added and removed roles say their own)."""
    before = {role["slug"]: role["requires"] for role in old_roles}
    changes = []
    for role in new_roles:
        if role["slug"] not in before:
            continue
        old_requires, new_requires = before[role["slug"]], role["requires"]
        for skill, pair in new_requires.items():
            name = f"{role['slug']}/{skill}"
            if skill not in old_requires:
                changes.append(Change("+", "requirement", name, _list_text(pair)))
            elif old_requires[skill] != pair:
                changes.append(
                    Change(
                        "~",
                        "requirement",
                        name,
                        f"{_list_text(old_requires[skill])} -> {_list_text(pair)}",
                    )
                )
        for skill, pair in old_requires.items():
            if skill not in new_requires:
                changes.append(
                    Change("-", "requirement", f"{role['slug']}/{skill}", _list_text(pair))
                )
    return changes


# ---------------------------------------------------------------------------------------------
# Import


CREATED = "created"
REPLACED = "replaced"
PUBLISHED_DRAFT = "published-draft"
UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ImportResult:
    track: str
    number: int
    status: str
    outcome: str
    dry_run: bool
    counts: dict[str, int]
    changes: MatrixDiff
    base: str | None  # the version the changes are measured against, e.g. "v3 (published)"
    track_updates: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def report(self) -> str:
        would = self.dry_run
        name = f"{self.track} v{self.number}"
        published = self.status == MatrixVersion.Status.PUBLISHED
        if self.outcome == UNCHANGED:
            headline = f"No changes: {name} already has this content."
        elif self.outcome == PUBLISHED_DRAFT:
            headline = (
                f"{'Would publish' if would else 'Published'} {name}: "
                "the draft already had this content."
            )
        elif self.outcome == CREATED:
            verb = "Would create" if would else "Created"
            headline = (
                f"{verb} {name} ({self.status})."
                if not published
                else (f"{verb} and {'publish' if would else 'published'} {name}.")
            )
        else:
            verb = "Would replace" if would else "Replaced"
            tail = f" and {'publish' if would else 'published'} it" if published else ""
            headline = f"{verb} the content of the draft {name}{tail}."
        lines = ["Dry run: nothing was written."] if would else []
        lines.append(headline)
        for update in self.track_updates:
            lines.append(f"{'Would update' if would else 'Updated'} the track's {update}.")
        lines.extend(self.notes)
        counts = ", ".join(f"{count} {kind}" for kind, count in self.counts.items())
        lines.append(f"{name} ({self.status}): {counts}.")
        if self.outcome != UNCHANGED:
            if self.changes.is_new:
                lines.append("A new track: everything is new.")
            elif self.changes.is_empty:
                lines.append(f"No content changes against {self.base}.")
            else:
                lines.append(f"Changes against {self.base}:")
                lines.extend(f"  {line}" for line in self.changes.lines())
        return "\n".join(lines)


def import_document(
    document: MatrixDocument, *, publish: bool = False, dry_run: bool = False
) -> ImportResult:
    """Store a validated document as the track's draft (new, or replacing the draft's content),
    in one transaction; publish it if asked. Content equal to the current version creates
    nothing. A dry run computes the same result and writes nothing."""
    with transaction.atomic():
        result = _import(document, publish=publish, dry_run=dry_run)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _import(document: MatrixDocument, *, publish: bool, dry_run: bool) -> ImportResult:
    meta = document["track"]
    track = Track.objects.select_for_update().filter(slug=meta["slug"]).first()
    current = track.current_version() if track else None
    draft = track.draft_version() if track else None
    current_document = export_version(current) if current else None
    draft_document = export_version(draft) if draft else None
    content = version_content(document)
    notes: list[str] = []

    if current_document is not None and version_content(current_document) == content:
        outcome, target = UNCHANGED, current
        if draft is not None:
            same = version_content(draft_document) == content
            notes.append(
                f"The draft v{draft.number} holds the same content."
                if same
                else f"The draft v{draft.number} differs from this file and was left as it is."
            )
    elif draft_document is not None and version_content(draft_document) == content:
        outcome, target = (PUBLISHED_DRAFT if publish else UNCHANGED), draft
        if not publish:
            notes.append("It is a draft; import with --publish to publish it.")
    elif draft is not None:
        outcome, target = REPLACED, draft
    else:
        outcome, target = CREATED, None

    if current is not None:
        base_version, base_document = current, current_document
    else:
        base_version, base_document = draft, draft_document
    base = f"v{base_version.number} ({base_version.status})" if base_version else None
    if target is None:
        last = track.versions.order_by("-number").first() if track else None
        number = (last.number if last else 0) + 1
    else:
        number = target.number
    publishes = publish and outcome in (CREATED, REPLACED, PUBLISHED_DRAFT)
    status = (
        MatrixVersion.Status.PUBLISHED
        if publishes or (target is not None and target.is_published)
        else MatrixVersion.Status.DRAFT
    )
    track_updates = _track_updates(track, meta)

    if not dry_run:
        if track is None:
            track = Track.objects.create(
                slug=meta["slug"], name=meta["name"], description=meta["description"]
            )
        elif track_updates:
            track.name, track.description = meta["name"], meta["description"]
            track.save(update_fields=["name", "description"])
        if outcome == CREATED:
            target = MatrixVersion.objects.create(
                track=track,
                number=number,
                scale=document["scale"],
                ready_threshold=meta["ready_threshold"],
                close_threshold=meta["close_threshold"],
            )
            _write_content(target, document)
        elif outcome == REPLACED:
            _replace_content(target, document)
        if publishes:
            target.publish()

    return ImportResult(
        track=meta["slug"],
        number=number,
        status=status,
        outcome=outcome,
        dry_run=dry_run,
        counts=_counts(document),
        changes=diff(base_document, document),
        base=base,
        track_updates=tuple(track_updates),
        notes=tuple(notes),
    )


def _track_updates(track: Track | None, meta: dict) -> list[str]:
    if track is None:
        return []
    updates = []
    if track.name != meta["name"]:
        updates.append(f"name: {track.name!r} -> {meta['name']!r}")
    if track.description != meta["description"]:
        updates.append("description")
    return updates


def _counts(document: MatrixDocument) -> dict[str, int]:
    return {
        "categories": len(document["categories"]),
        "skills": len(document["skills"]),
        "roles": len(document["roles"]),
        "requirements": sum(len(role["requires"]) for role in document["roles"]),
    }


def _replace_content(draft: MatrixVersion, document: MatrixDocument) -> None:
    draft.ensure_editable()
    try:
        Requirement.objects.filter(role__version=draft).delete()
        Role.objects.filter(version=draft).delete()
        Skill.objects.filter(version=draft).delete()
        Category.objects.filter(version=draft).delete()
    except (ProtectedError, RestrictedError):
        raise InterchangeError(
            [f"{draft.track.slug} v{draft.number}: the draft is in use and cannot be replaced"]
        ) from None
    draft.scale = document["scale"]
    draft.ready_threshold = document["track"]["ready_threshold"]
    draft.close_threshold = document["track"]["close_threshold"]
    draft.save(update_fields=["scale", "ready_threshold", "close_threshold"])
    _write_content(draft, document)


def _write_content(version: MatrixVersion, document: MatrixDocument) -> None:
    """Bulk-create the document's content in a fresh (or emptied) draft."""
    categories = Category.objects.bulk_create(
        Category(
            version=version,
            slug=category["slug"],
            name=category["name"],
            description=category["description"],
            position=position,
        )
        for position, category in enumerate(document["categories"])
    )
    category_by_slug = {category.slug: category for category in categories}
    skills = Skill.objects.bulk_create(
        Skill(
            version=version,
            category=category_by_slug[skill["category"]],
            slug=skill["slug"],
            name=skill["name"],
            description=skill["description"],
            levels={str(level): text for level, text in skill["levels"].items()},
            position=position,
        )
        for position, skill in enumerate(document["skills"])
    )
    skill_by_slug = {skill.slug: skill for skill in skills}
    roles = Role.objects.bulk_create(
        Role(
            version=version,
            slug=role["slug"],
            title=role["title"],
            rank=role["rank"],
            summary=role["summary"],
            salary_min=role["salary"]["min"],
            salary_max=role["salary"]["max"],
            salary_average=role["salary"]["average"],
            salary_currency=role["salary"]["currency"],
            salary_year=role["salary"]["year"],
            salary_source=role["salary"]["source"],
            experience_min=role["experience_years"]["min"],
            experience_max=role["experience_years"]["max"],
            position=position,
        )
        for position, role in enumerate(document["roles"])
    )
    Requirement.objects.bulk_create(
        Requirement(
            role=role,
            skill=skill_by_slug[slug],
            level=level,
            importance=importance,
        )
        for role, entry in zip(roles, document["roles"], strict=True)
        for slug, (level, importance) in entry["requires"].items()
    )
