"""The scoring part of report.json: the engine's results (assessments.scoring) as plain
JSON-serialisable data. Pure Python, like the engine."""

from __future__ import annotations

from typing import Any

from assessments.scoring import RoleScore, Score


def report_data(score: Score) -> dict[str, Any]:
    """The scoring part of report.json, as plain JSON-serialisable types."""
    index = score.matrix._index
    # Every role is written out once; the path repeats some of them and takes their figures
    # and gaps from there rather than converting them again.
    roles = {role_score.slug: _role_data(role_score) for role_score in score.roles}
    data: dict[str, Any] = {
        "scale": list(score.matrix.scale),
        "thresholds": {"ready": float(index.ready), "close": float(index.close)},
        "roles": list(roles.values()),
        "current_fit": score.current_fit.slug if score.current_fit else None,
        "next_roles": [role_score.slug for role_score in score.next_roles],
        "path": [_path_step(roles[role_score.slug]) for role_score in score.path],
        "strengths": [
            {
                "skill": strength.skill,
                "category": strength.category,
                "rated": strength.rated,
                "required": strength.required,
            }
            for strength in score.strengths
        ],
    }
    if score.reviewed is not None:
        data["reviewed"] = report_data(score.reviewed)
    return data


def _role_data(role_score: RoleScore) -> dict[str, Any]:
    return {
        "slug": role_score.slug,
        "title": role_score.role.title,
        "rank": role_score.rank,
        "coverage": rounded(role_score.coverage_float),
        "verdict": role_score.verdict,
        "blocking": [gap.skill for gap in role_score.blocking],
        "gaps": [
            {
                "skill": gap.skill,
                "category": gap.category,
                "required": gap.required,
                "rated": gap.rated,
                "gap": gap.gap,
                "importance": gap.importance,
                "priority": gap.priority,
            }
            for gap in role_score.gaps
        ],
        "steps_to_close": role_score.steps_to_close,
        "categories": [
            {
                "category": category.category,
                "coverage": rounded(category.coverage_float),
                "requirements": category.requirements,
                "met": category.met,
            }
            for category in role_score.categories
        ],
    }


def _path_step(role: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": role["slug"],
        "coverage": role["coverage"],
        "verdict": role["verdict"],
        "gaps": role["gaps"],
    }


def rounded(coverage: float) -> float:
    """Coverage as exports show it: a float rounded to 4 places (DESIGN.md)."""
    return round(coverage, 4)
