"""Progress over time on one track: every assessment of a user scored on its own pinned
version, the coverage of each rung across the submitted ones (a table and a line chart), and
what moved between one submission and the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import pairwise
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime

from assessments import scoring
from assessments.charts import LineChart, line_chart
from assessments.models import Assessment
from assessments.scored import level_label, percent
from assessments.scoring import Matrix, RoleScore, Score


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment of the track, scored on its own pinned version."""

    assessment: Assessment
    matrix: Matrix
    levels: dict[str, int]  # stored answers by skill slug
    score: Score

    @property
    def fit_title(self) -> str | None:
        fit = self.score.current_fit
        return fit.role.title if fit else None

    @cached_property
    def target(self) -> RoleScore:
        return self.score.role(self.assessment.target_role.slug)

    @property
    def target_percent(self) -> int:
        return percent(self.target.coverage)

    @property
    def moment(self) -> datetime:
        return self.assessment.submitted_at or self.assessment.created_at


@dataclass(frozen=True)
class SkillChange:
    skill: str
    before: str
    after: str
    delta: int


@dataclass(frozen=True)
class Changes:
    """What moved between two submitted assessments, skills matched by slug."""

    entry: HistoryEntry
    previous: HistoryEntry
    rose: tuple[SkillChange, ...]
    fell: tuple[SkillChange, ...]
    unchanged: int
    added: tuple[tuple[str, str], ...]  # (skill, level) in the later version only
    removed: tuple[tuple[str, str], ...]  # (skill, level) in the earlier version only

    @property
    def versions_differ(self) -> bool:
        return self.entry.assessment.version_id != self.previous.assessment.version_id


@dataclass(frozen=True)
class RoleTrend:
    title: str
    rank: int
    cells: tuple[tuple[int, str] | None, ...]  # (percent, verdict) per submitted assessment


@dataclass(frozen=True)
class TrackHistory:
    entries: tuple[HistoryEntry, ...]  # every assessment, drafts too, oldest first
    submitted: tuple[HistoryEntry, ...]  # submitted ones, in the order they were submitted
    trends: tuple[RoleTrend, ...]
    chart: LineChart | None
    changes: tuple[Changes, ...]  # latest first

    @property
    def versions(self) -> list[int]:
        return sorted({entry.assessment.version.number for entry in self.submitted})


def build_history(
    assessments: Sequence[Assessment],
    levels: dict[Any, dict[str, int]],
    matrices: dict[int, Matrix],
) -> TrackHistory:
    """`levels`: assessment id -> {skill slug: level}; `matrices`: version id -> Matrix."""
    entries = tuple(
        HistoryEntry(
            assessment=assessment,
            matrix=matrices[assessment.version_id],
            levels=levels.get(assessment.pk, {}),
            score=scoring.score(matrices[assessment.version_id], levels.get(assessment.pk, {})),
        )
        for assessment in assessments
    )
    submitted = tuple(
        sorted((e for e in entries if e.assessment.is_submitted), key=lambda e: e.moment)
    )
    # Roles by slug across versions: the latest ladder's order, then roles it no longer has.
    roles: dict[str, RoleScore] = {}
    for entry in reversed(submitted):
        for role_score in entry.score.roles:
            roles.setdefault(role_score.slug, role_score)
    trends = tuple(
        RoleTrend(
            title=role_score.role.title,
            rank=role_score.rank,
            cells=tuple(_trend_cell(entry.score, slug) for entry in submitted),
        )
        for slug, role_score in roles.items()
    )
    chart = None
    if len(submitted) > 1:
        latest = submitted[-1].matrix
        chart = line_chart(
            [date_format(localtime(entry.moment), "j M Y") for entry in submitted],
            [(trend.title, [cell and cell[0] for cell in trend.cells]) for trend in trends],
            thresholds=[
                (percent(latest.ready_threshold), "ready"),
                (percent(latest.close_threshold), "close"),
            ],
        )
    changes = tuple(
        _changes(previous, entry) for previous, entry in reversed(list(pairwise(submitted)))
    )
    return TrackHistory(
        entries=entries, submitted=submitted, trends=trends, chart=chart, changes=changes
    )


def _trend_cell(score: Score, slug: str) -> tuple[int, str] | None:
    for role_score in score.roles:
        if role_score.slug == slug:
            return percent(role_score.coverage), role_score.verdict
    return None


def _changes(previous: HistoryEntry, entry: HistoryEntry) -> Changes:
    before_levels = _levels_of(previous)
    after_levels = _levels_of(entry)
    before_skills = {skill.slug: skill for skill in previous.matrix.skills}
    rose, fell, unchanged, added = [], [], 0, []
    for skill in entry.matrix.skills:
        after = after_levels[skill.slug]
        if skill.slug not in before_skills:
            added.append((skill.name, level_label(entry.matrix, after)))
            continue
        before = before_levels[skill.slug]
        change = SkillChange(
            skill=skill.name,
            before=level_label(previous.matrix, before),
            after=level_label(entry.matrix, after),
            delta=after - before,
        )
        if change.delta > 0:
            rose.append(change)
        elif change.delta < 0:
            fell.append(change)
        else:
            unchanged += 1
    later = set(after_levels)
    removed = tuple(
        (skill.name, level_label(previous.matrix, before_levels[skill.slug]))
        for skill in previous.matrix.skills
        if skill.slug not in later
    )
    # Biggest moves first; the matrix order among equals (sorted() is stable).
    return Changes(
        entry=entry,
        previous=previous,
        rose=tuple(sorted(rose, key=lambda c: -c.delta)),
        fell=tuple(sorted(fell, key=lambda c: c.delta)),
        unchanged=unchanged,
        added=tuple(added),
        removed=removed,
    )


def _levels_of(entry: HistoryEntry) -> dict[str, int]:
    """Every skill of the entry's version: its rating, 0 when unrated (as scoring counts it)."""
    return {skill.slug: entry.levels.get(skill.slug, 0) for skill in entry.matrix.skills}
