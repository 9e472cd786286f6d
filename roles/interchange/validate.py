"""Validate parsed YAML or JSON data as a whole and return the normalised matrix document
(roles.document), or raise InterchangeError listing every problem with its place."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from roles.document import (
    EMPTY_EXPERIENCE,
    EMPTY_SALARY,
    MatrixDocument,
    canonical_order,
    decimal_text,
)
from roles.interchange import checks
from roles.interchange import resources as resource_section
from roles.interchange.checks import (
    MISSING,
    NAME_MAX,
    REASON_MAX,
    SMALL_INTEGER_MAX,
    SOURCE_MAX,
    TITLE_MAX,
)
from roles.interchange.problems import InterchangeError, Problems, Where, path_text
from roles.limits import (
    DESCRIPTION_MAX,
    IMPORTANCE_NAMES,
    MAX_SCALE_LEVEL,
    MIN_SCALE_LEVEL,
    STATEMENT_MAX,
)

TOP_LEVEL_KEYS = ("track", "scale", "categories", "skills", "roles")
DEFAULT_READY = Decimal("0.9000")
DEFAULT_CLOSE = Decimal("0.7500")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
YEAR_RANGE = (1900, 2100)
EXPERIENCE_MAX = 80


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
                f"got {checks.kind(data)}"
            ]
        )
    problems = Problems(source, lines)
    for where, key, line in duplicates or ():
        problems.add(
            where, f"key {key!r} is given more than once (again on line {line})", at=(*where, key)
        )
    checks.mapping(problems, data, (), required=TOP_LEVEL_KEYS, optional=(resource_section.KEY,))

    track = _validate_track(problems, data.get("track", MISSING))
    scale = _validate_scale(problems, data.get("scale", MISSING))
    top = len(scale) - 1 if scale else None
    categories = _validate_categories(problems, data.get("categories", MISSING))
    category_slugs = None if categories is None else [c["slug"] for c in categories]
    skills = _validate_skills(problems, data.get("skills", MISSING), category_slugs, top)
    skill_slugs = None if skills is None else [s["slug"] for s in skills]
    roles = _validate_roles(problems, data.get("roles", MISSING), skill_slugs, top)
    resources = resource_section.validate(
        problems, data.get(resource_section.KEY, MISSING), skill_slugs, top
    )
    problems.raise_if_any()
    document = canonical_order(
        {"track": track, "scale": scale, "categories": categories, "skills": skills, "roles": roles}
    )
    if resources is not None:
        # Not version content: the track's resources, replaced by the import (apply).
        document[resource_section.KEY] = resources
    return document


def _validate_track(problems: Problems, value: Any) -> dict | None:
    if value is MISSING:
        return None
    where: Where = ("track",)
    optional = ("description", "ready_threshold", "close_threshold")
    if not checks.mapping(problems, value, where, required=("slug", "name"), optional=optional):
        return None
    field = checks.fields(problems, value, where)
    slug, name = field("slug", checks.slug), field("name", checks.text, max_length=NAME_MAX)
    description = field("description", checks.text, required=False, max_length=DESCRIPTION_MAX)
    ready = field("ready_threshold", checks.threshold, default=DEFAULT_READY, zero_allowed=False)
    close = field("close_threshold", checks.threshold, default=DEFAULT_CLOSE, zero_allowed=True)
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


def _validate_scale(problems: Problems, value: Any) -> list[str] | None:
    if value is MISSING:
        return None
    where: Where = ("scale",)
    if not isinstance(value, list):
        problems.add(where, f"expected a list of level names, got {checks.kind(value)}")
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
        name = checks.text(problems, item, (*where, index), max_length=NAME_MAX)
        if name is None:
            valid = False
        elif name in seen:
            problems.add(
                (*where, index),
                f"duplicate level name {name!r} (first at {path_text(seen[name])})",
            )
            valid = False
        else:
            seen[name] = (*where, index)
            names.append(name)
    return names if valid else None


def _validate_categories(problems: Problems, value: Any) -> list[dict] | None:
    if value is MISSING:
        return None
    items = checks.list_of(problems, value, ("categories",), what="categories")
    entries = checks.slugged_entries(
        problems, items, "categories", required=("slug", "name"), optional=("description",)
    )
    categories = [
        {
            "slug": slug or checks.raw_text(item.get("slug")),
            "name": field("name", checks.text, max_length=NAME_MAX),
            "description": field(
                "description", checks.text, required=False, max_length=DESCRIPTION_MAX
            ),
        }
        for _, item, field, slug in entries
    ]
    return None if items is None else categories


def _validate_skills(
    problems: Problems, value: Any, category_slugs: list[str] | None, top: int | None
) -> list[dict] | None:
    if value is MISSING:
        return None
    items = checks.list_of(problems, value, ("skills",), what="skills")
    skills = []
    required, optional = ("slug", "name", "category"), ("description", "levels")
    for where, item, field, slug in checks.slugged_entries(
        problems, items, "skills", required=required, optional=optional
    ):
        category = field("category", checks.text)
        if category is not None and category_slugs is not None and category not in category_slugs:
            problems.add(
                (*where, "category"),
                f"unknown category {category!r}{checks.did_you_mean(category, category_slugs)}",
            )
        skills.append(
            {
                "slug": slug or checks.raw_text(item.get("slug")),
                "name": field("name", checks.text, max_length=NAME_MAX),
                "category": category,
                "description": field(
                    "description", checks.text, required=False, max_length=DESCRIPTION_MAX
                ),
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


def _validate_levels(problems: Problems, value: Any, where: Where, *, top: int | None) -> dict:
    """Behaviour statements by level 1..N; null or empty statements are simply absent."""
    if value is MISSING or value is None or not checks.is_mapping(problems, value, where):
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
            statement = checks.text(problems, text, at, required=False, max_length=STATEMENT_MAX)
            if statement:
                statements[level] = statement
    return dict(sorted(statements.items()))


def _validate_roles(
    problems: Problems, value: Any, skill_slugs: list[str] | None, top: int | None
) -> list[dict] | None:
    if value is MISSING:
        return None
    items = checks.list_of(problems, value, ("roles",), what="roles")
    roles = []
    required = ("slug", "title", "rank")
    optional = ("summary", "salary", "experience_years", "requires", "drops")
    for _, _, field, slug in checks.slugged_entries(
        problems, items, "roles", required=required, optional=optional
    ):
        requires = field("requires", _validate_requires, skills=skill_slugs, top=top)
        roles.append(
            {
                "slug": slug,
                "title": field("title", checks.text, max_length=TITLE_MAX),
                "rank": field(
                    "rank", checks.whole, minimum=1, maximum=SMALL_INTEGER_MAX, name="rank"
                ),
                "summary": field(
                    "summary", checks.text, required=False, max_length=DESCRIPTION_MAX
                ),
                "salary": field("salary", _validate_salary),
                "experience_years": field("experience_years", _validate_experience),
                "requires": requires,
                "drops": field("drops", _validate_drops, skills=skill_slugs, requires=requires),
            }
        )
    return None if items is None else roles


def _validate_salary(problems: Problems, value: Any, where: Where) -> dict:
    if value is MISSING or value is None:
        return dict(EMPTY_SALARY)
    if not checks.mapping(problems, value, where, optional=tuple(EMPTY_SALARY)):
        return dict(EMPTY_SALARY)
    field = checks.fields(problems, value, where)
    salary = {
        "min": field("min", checks.whole, required=False, name="min"),
        "max": field("max", checks.whole, required=False, name="max"),
        "average": field("average", checks.whole, required=False, name="average"),
        "currency": field("currency", checks.text, required=False),
        "year": field(
            "year",
            checks.whole,
            required=False,
            name="year",
            minimum=YEAR_RANGE[0],
            maximum=YEAR_RANGE[1],
        ),
        "source": field("source", checks.text, required=False, max_length=SOURCE_MAX),
    }
    if salary["currency"] and not CURRENCY_RE.match(salary["currency"]):
        problems.add(
            (*where, "currency"), f"{salary['currency']!r} is not a three-letter code like USD"
        )
    if salary["min"] is not None and salary["max"] is not None and salary["min"] > salary["max"]:
        problems.add(where, f"min {salary['min']} is above max {salary['max']}")
    return salary


def _validate_experience(problems: Problems, value: Any, where: Where) -> dict:
    if value is MISSING or value is None:
        return dict(EMPTY_EXPERIENCE)
    if not checks.mapping(problems, value, where, optional=tuple(EMPTY_EXPERIENCE)):
        return dict(EMPTY_EXPERIENCE)
    field = checks.fields(problems, value, where)
    low = field("min", checks.whole, required=False, maximum=EXPERIENCE_MAX, name="min")
    high = field("max", checks.whole, required=False, maximum=EXPERIENCE_MAX, name="max")
    if low is not None and high is not None and low > high:
        problems.add(where, f"min {low} is above max {high}")
    return {"min": low, "max": high}


def _validate_requires(
    problems: Problems, value: Any, where: Where, *, skills: list[str] | None, top: int | None
) -> dict:
    if value is MISSING or value is None or not checks.is_mapping(problems, value, where):
        return {}
    requires: dict[str, list[int]] = {}
    for skill, pair in value.items():
        at = (*where, str(skill))
        if not isinstance(skill, str):
            problems.add(at, f"expected a skill slug, got {checks.kind(skill)}")
            continue
        if skills is not None and skill not in skills:
            problems.add(at, f"unknown skill {skill!r}{checks.did_you_mean(skill, skills)}")
        if not isinstance(pair, list) or len(pair) != 2:
            got = f"a list of {len(pair)}" if isinstance(pair, list) else checks.kind(pair)
            problems.add(at, f"expected [level, importance], got {got}")
            continue
        level = _requirement_level(problems, pair[0], at, top)
        importance = _importance(problems, pair[1], at)
        if level is not None and importance is not None:
            requires[skill] = [level, importance]
    return requires


def _validate_drops(
    problems: Problems, value: Any, where: Where, *, skills: list[str] | None, requires: dict
) -> dict[str, str]:
    """Declared drops, a list of {skills: [...], reason: ...}, as skill -> reason."""
    if value is MISSING or value is None:
        return {}
    if not isinstance(value, list):
        problems.add(
            where, f"expected a list of {{skills, reason}} entries, got {checks.kind(value)}"
        )
        return {}
    drops: dict[str, str] = {}
    first: dict[str, Where] = {}
    for index, entry in enumerate(value):
        at: Where = (*where, index)
        if not checks.mapping(problems, entry, at, required=("skills", "reason")):
            continue
        field = checks.fields(problems, entry, at)
        reason = field("reason", checks.text, max_length=REASON_MAX)
        listed = entry.get("skills", MISSING)
        if listed is MISSING:
            continue
        if not isinstance(listed, list) or not listed:
            got = "an empty list" if listed == [] else checks.kind(listed)
            problems.add((*at, "skills"), f"expected a list of skill slugs, got {got}")
            continue
        for position, skill in enumerate(listed):
            place: Where = (*at, "skills", position)
            if not isinstance(skill, str):
                problems.add(place, f"expected a skill slug, got {checks.kind(skill)}")
            elif skills is not None and skill not in skills:
                problems.add(place, f"unknown skill {skill!r}{checks.did_you_mean(skill, skills)}")
            elif skill in requires:
                problems.add(place, f"the role requires {skill!r}: a required skill is not dropped")
            elif skill in first:
                problems.add(
                    place,
                    f"{skill!r} is declared dropped twice (first at {path_text(first[skill])})",
                )
            else:
                first[skill] = place
                if reason is not None:
                    drops[skill] = reason
    return drops


def _requirement_level(problems: Problems, value: Any, where: Where, top: int | None):
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(where, f"level: expected a whole number, got {checks.kind(value)}")
        return None
    return _level_in_scale(problems, value, where, top)


def _level_in_scale(problems: Problems, level: int, where: Where, top: int | None) -> int | None:
    # Without a valid scale only the widest one is known.
    if not 1 <= level <= (top or MAX_SCALE_LEVEL):
        scale = f"the scale 1..{top}" if top else f"1..{MAX_SCALE_LEVEL}"
        problems.add(where, f"level {level} is outside {scale}")
        return None
    return level


def _importance(problems: Problems, value: Any, where: Where) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(where, f"importance: expected a whole number, got {checks.kind(value)}")
        return None
    if value not in IMPORTANCE_NAMES:
        problems.add(where, f"importance {value} is outside 1..3 ({_importance_legend()})")
        return None
    return value


def _importance_legend() -> str:
    return ", ".join(f"{k} {v.lower()}" for k, v in IMPORTANCE_NAMES.items())
