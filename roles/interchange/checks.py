"""Checks of one value at its place in a document: its type, text, slug, whole number or
threshold, each reporting what is wrong in words a person editing the file understands."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from roles.document import FOUR_PLACES
from roles.interchange.problems import InterchangeError, Problems, Where, path_text
from roles.limits import slug_validator
from roles.models import DeclaredDrop, Role, Skill

# Limits of the columns the values are stored in.
SLUG_MAX = Skill._meta.get_field("slug").max_length
NAME_MAX = Skill._meta.get_field("name").max_length
TITLE_MAX = Role._meta.get_field("title").max_length
SOURCE_MAX = Role._meta.get_field("salary_source").max_length
REASON_MAX = DeclaredDrop._meta.get_field("reason").max_length
# The largest ladder file read or uploaded; the shipped ladders are under 100 kB.
FILE_MAX_BYTES = 2 * 1024 * 1024
# Column limits of PositiveIntegerField / PositiveSmallIntegerField on every supported database.
INTEGER_MAX = 2_147_483_647
SMALL_INTEGER_MAX = 32_767


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def file_size(source: str, size: int) -> None:
    """Refuse a file larger than FILE_MAX_BYTES before anything reads or parses it."""
    if size > FILE_MAX_BYTES:
        raise InterchangeError(
            [f"{source}: {size:,} bytes; a ladder file may hold at most {FILE_MAX_BYTES:,}"]
        )


def kind(value: Any) -> str:
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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def mapping(problems: Problems, value: Any, where: Where, *, required=(), optional=()) -> bool:
    """Is value a mapping? Reports its unknown and missing keys."""
    if not is_mapping(problems, value, where):
        return False
    allowed = (*required, *optional)
    for key in value:
        if key not in allowed:
            name = str(key)
            problems.add(
                where, f"unknown key {name!r}{did_you_mean(name, allowed)}", at=(*where, name)
            )
    for key in required:
        if key not in value:
            problems.add(where, f"missing required key {key!r}")
    return True


def is_mapping(problems: Problems, value: Any, where: Where) -> bool:
    if not isinstance(value, dict):
        problems.add(where, f"expected a mapping, got {kind(value)}")
        return False
    for key in getattr(value, "duplicate_keys", ()):  # JSON; YAML reports them with lines
        problems.add(where, f"key {key!r} is given more than once")
    return True


def text(
    problems: Problems, value: Any, where: Where, *, required: bool = True, max_length=None
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
        problems.add(where, f"expected text, got {kind(value)}{hint}")
        return None
    value = value.strip()
    if required and not value:
        problems.add(where, "must not be empty")
        return None
    if max_length is not None and len(value) > max_length:
        problems.add(where, f"is {len(value)} characters long; the limit is {max_length}")
        return None
    return value


def slug(problems: Problems, value: Any, where: Where) -> str | None:
    checked = text(problems, value, where, max_length=SLUG_MAX)
    if checked is not None and not slug_validator.regex.match(checked):
        problems.add(
            where,
            f"{checked!r} is not a valid slug (use lowercase letters, digits and single hyphens)",
        )
        return None
    return checked


def whole(
    problems: Problems,
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
            where, f"expected a whole number{' for ' + name if name else ''}, got {kind(value)}"
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


def threshold(
    problems: Problems, value: Any, where: Where, *, default: Decimal, zero_allowed: bool
) -> Decimal | None:
    if value is MISSING:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(where, f"expected a number between 0 and 1, got {kind(value)}")
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


def unique(
    problems: Problems, seen: dict[str, Where], name: str | None, where: Where, what="slug"
) -> None:
    """Reports a name seen before (at its place in `seen`); remembers it otherwise."""
    if name is None:
        return
    if name in seen:
        problems.add(where, f"duplicate {what} {name!r} (first at {path_text(seen[name][:-1])})")
    else:
        seen[name] = where


def list_of(problems: Problems, value: Any, where: Where, *, what: str) -> list | None:
    if not isinstance(value, list):
        problems.add(where, f"expected a list of {what}, got {kind(value)}")
        return None
    if not value:
        problems.add(where, f"must list at least one of the {what}")
    return value


def slugged_entries(
    problems: Problems, items: list | None, kind: str, *, required=(), optional=()
) -> Iterator[tuple[Where, dict, Callable[..., Any], str | None]]:
    """The entries of a list of categories, skills or roles (`kind`) that are mappings, each as
    (where, entry, field, slug): `field` checks the entry's values at their place (fields()),
    and `slug` is the entry's checked slug, reported when another entry had it first."""
    seen: dict[str, Where] = {}
    for index, entry in enumerate(items or ()):
        where: Where = (kind, index)
        if not mapping(problems, entry, where, required=required, optional=optional):
            continue
        field = fields(problems, entry, where)
        checked = field("slug", slug)
        unique(problems, seen, checked, (*where, "slug"))
        yield where, entry, field, checked


def fields(problems: Problems, entry: dict, where: Where):
    """`field(key, check, **options)` checks entry[key] (MISSING when absent) at its path."""

    def field(key: str, check, **options):
        return check(problems, entry.get(key, MISSING), (*where, key), **options)

    return field


def raw_text(value: Any) -> str | None:
    # An invalid slug stays known, so that the entries naming it raise no echo problems.
    return value if isinstance(value, str) else None
