"""The matrix document: a version's content as plain data, shaped like the interchange file
(docs/interchange.md) with every optional field filled in and everything in canonical order.

Validation builds a document from a file, `MatrixVersion.to_document()` builds one from the
database, so the two compare exactly; `document_hash()` fingerprints the content. Plain Python
that imports nothing from the project, so that the models (which store the hash on publishing)
and the interchange package (which imports the models) can both use it without a circle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

MatrixDocument = dict[str, Any]

FOUR_PLACES = Decimal("0.0001")
EMPTY_SALARY = {
    "min": None,
    "max": None,
    "average": None,
    "currency": "",
    "year": None,
    "source": "",
}
EMPTY_EXPERIENCE = {"min": None, "max": None}


def build_document(
    *,
    track: dict[str, str],
    scale: list[str],
    thresholds: tuple[Decimal, Decimal],
    categories: Iterable[dict[str, Any]],
    skills: Iterable[dict[str, Any]],
    roles: Iterable[dict[str, Any]],
    requirements: Iterable[tuple[int, int, int, int]],
    drops: Iterable[tuple[int, int, str]] = (),
) -> MatrixDocument:
    """The document of stored rows, each list already in canonical order: `track` (slug,
    name, description); categories (slug, name, description); skills (pk, slug, name,
    category_slug, description, levels); roles (pk and Role.CONTENT_FIELDS); requirements as
    (role pk, skill pk, level, importance) and declared drops as (role pk, skill pk, reason),
    in any order."""
    skills = list(skills)
    roles = list(roles)
    skill_index = {skill["pk"]: index for index, skill in enumerate(skills)}
    requires: dict[int, list[tuple[int, list[int]]]] = {role["pk"]: [] for role in roles}
    for role_id, skill_id, level, importance in requirements:
        requires[role_id].append((skill_index[skill_id], [level, importance]))
    dropped: dict[int, list[tuple[int, str]]] = {role["pk"]: [] for role in roles}
    for role_id, skill_id, reason in drops:
        dropped[role_id].append((skill_index[skill_id], reason))
    ready, close = thresholds
    return {
        "track": {
            "slug": track["slug"],
            "name": track["name"],
            "description": track["description"],
            "ready_threshold": Decimal(ready).quantize(FOUR_PLACES),
            "close_threshold": Decimal(close).quantize(FOUR_PLACES),
        },
        "scale": list(scale),
        "categories": [
            {"slug": c["slug"], "name": c["name"], "description": c["description"]}
            for c in categories
        ],
        "skills": [
            {
                "slug": skill["slug"],
                "name": skill["name"],
                "category": skill["category_slug"],
                "description": skill["description"],
                "levels": stored_levels(skill["levels"]),
            }
            for skill in skills
        ],
        "roles": [
            {
                "slug": role["slug"],
                "title": role["title"],
                "rank": role["rank"],
                "summary": role["summary"],
                "salary": {
                    "min": role["salary_min"],
                    "max": role["salary_max"],
                    "average": role["salary_average"],
                    "currency": role["salary_currency"],
                    "year": role["salary_year"],
                    "source": role["salary_source"],
                },
                "experience_years": {
                    "min": role["experience_min"],
                    "max": role["experience_max"],
                },
                "requires": {
                    skills[index]["slug"]: pair for index, pair in sorted(requires[role["pk"]])
                },
                "drops": {
                    skills[index]["slug"]: reason for index, reason in sorted(dropped[role["pk"]])
                },
            }
            for role in roles
        ],
    }


def stored_levels(levels: dict) -> dict[int, str]:
    """Level statements as stored ({"3": "..."}) keyed by whole numbers, empty ones left out."""
    statements = {
        int(key): text
        for key, text in (levels or {}).items()
        if str(key).isdigit() and isinstance(text, str) and text
    }
    return dict(sorted(statements.items()))


def canonical_order(document: MatrixDocument) -> MatrixDocument:
    """Skills grouped by category in category order and roles by rank, keeping the file's
    order otherwise; requirements and declared drops in skill order. Stored versions read back
    in this order."""
    category_index = {c["slug"]: i for i, c in enumerate(document["categories"])}
    document["skills"] = sorted(document["skills"], key=lambda s: category_index[s["category"]])
    document["roles"] = sorted(document["roles"], key=lambda r: r["rank"])
    skill_index = {s["slug"]: i for i, s in enumerate(document["skills"])}
    for role in document["roles"]:
        for key in ("requires", "drops"):
            role[key] = dict(sorted(role[key].items(), key=lambda item: skill_index[item[0]]))
    return document


def version_content(document: MatrixDocument) -> dict:
    """What a version holds: everything but the track's identity, name and description."""
    return {
        "scale": document["scale"],
        "ready_threshold": decimal_text(document["track"]["ready_threshold"], places=4),
        "close_threshold": decimal_text(document["track"]["close_threshold"], places=4),
        "categories": document["categories"],
        "skills": document["skills"],
        "roles": document["roles"],
    }


def document_hash(document: MatrixDocument) -> str:
    """sha256 of the canonical JSON of the document's content (not the track's name). A role
    without declared drops hashes as it did before drops existed, so stored hashes still match."""
    content = version_content(document)
    content["roles"] = [
        role if role["drops"] else {key: value for key, value in role.items() if key != "drops"}
        for role in content["roles"]
    ]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def decimal_text(number: Decimal, *, places: int | None = None) -> str:
    if places is not None:
        return f"{number:.{places}f}"
    return format(number.normalize(), "f")
