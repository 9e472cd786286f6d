"""Progress over time on one track: every assessment of a user scored on its own pinned
version, the coverage of each rung across the submitted ones (a table and a line chart), and
what moved between one submission and the next.

A long history stays a page you can read, and costs about what a short one does: the chart
spans every submission, the tables show the latest few, the changes are written out in full for
the latest pair, the first against the latest, and any pair the reader asks for, while every
other pair is one line of counts."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import pairwise
from operator import attrgetter

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from assessments import scoring
from assessments.charts import LineChart, line_chart
from assessments.models import Assessment
from assessments.scored import level_label, percent
from assessments.scoring import Matrix

RECENT_ASSESSMENTS = 6  # rows of the assessments table
TREND_COLUMNS = 6  # submissions in the coverage table: the first and the latest ones


@dataclass(frozen=True)
class Standing:
    """Where one assessment puts its person: what the progress page shows of its score."""

    cells: dict[str, tuple[int, str]]  # role slug -> (percent, verdict), ladder order
    fit_title: str | None
    target_percent: int
    target_verdict: str


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment of the track, scored on its own pinned version."""

    assessment: Assessment
    matrix: Matrix
    levels: tuple[int, ...]  # in the matrix's skill order, unrated as 0
    standing: Standing

    @property
    def fit_title(self) -> str | None:
        return self.standing.fit_title

    @property
    def target_percent(self) -> int:
        return self.standing.target_percent

    @property
    def target_verdict(self) -> str:
        return self.standing.target_verdict

    @property
    def moment(self) -> datetime:
        return self.assessment.submitted_at or self.assessment.created_at

    @cached_property
    def day(self) -> str:
        return date_format(localtime(self.moment), "j M Y")

    def levels_by_slug(self) -> dict[str, int]:
        return dict(zip((skill.slug for skill in self.matrix.skills), self.levels, strict=True))


@dataclass(frozen=True)
class SkillChange:
    skill: str
    before: str
    after: str
    delta: int

    @property
    def line(self) -> str:
        """ "Python: 2 · Working → 4 · Advanced (+2)", written once here rather than by four
        template variables for each of a list that can run to every skill of the ladder."""
        return format_html(
            '{}: {} → <strong>{}</strong> <span class="muted">({})</span>',
            self.skill,
            self.before,
            self.after,
            f"{self.delta:+d}",
        )


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
class ChangeCount:
    """One pair of consecutive submissions in a line: how many skills rose, fell, stayed."""

    key: str  # the later assessment's id: ?compare= shows this pair in full
    label: str


@dataclass(frozen=True)
class RoleTrend:
    title: str
    rank: int
    cells: tuple[tuple[int, str] | None, ...]  # (percent, verdict) per column of the table


@dataclass(frozen=True)
class TrackHistory:
    entries: tuple[HistoryEntry, ...]  # every assessment, drafts too, oldest first
    submitted: tuple[HistoryEntry, ...]  # submitted ones, in the order they were submitted
    columns: tuple[HistoryEntry, ...]  # the submissions the coverage table shows
    trends: tuple[RoleTrend, ...]
    chart: LineChart | None
    changes: tuple[Changes, ...]  # written out in full, the one asked for first
    counts: tuple[ChangeCount, ...]  # every pair of consecutive submissions, latest first
    compared: str  # the key of the pair asked for with ?compare=, "" for none

    @property
    def versions(self) -> list[int]:
        return sorted({entry.assessment.version.number for entry in self.submitted})

    @property
    def recent(self) -> tuple[HistoryEntry, ...]:
        return self.entries[-RECENT_ASSESSMENTS:]


def build_history(
    assessments: Sequence[Assessment],
    levels: dict[uuid.UUID, list[int]],
    matrices: dict[int, Matrix],
    compare: str = "",
) -> TrackHistory:
    """`levels`: assessment id -> levels in its matrix's skill order; `matrices`: version id
    -> Matrix; `compare`: the id of a submitted assessment to compare in full with the one
    before it."""
    entries = tuple(
        _entry(assessment, matrices[assessment.version_id], levels[assessment.pk])
        for assessment in assessments
    )
    submitted = tuple(
        sorted((e for e in entries if e.assessment.is_submitted), key=attrgetter("moment"))
    )
    columns = submitted
    if len(submitted) > TREND_COLUMNS:
        columns = (submitted[0], *submitted[1 - TREND_COLUMNS :])
    # Roles by slug across versions: the latest ladder's order, then roles it no longer has.
    roles: dict[str, scoring.MatrixRole] = {}
    for entry in reversed(submitted):
        for role in _ladder(entry.matrix):
            roles.setdefault(role.slug, role)
    trends = tuple(
        RoleTrend(
            title=role.title,
            rank=role.rank,
            cells=tuple(entry.standing.cells.get(slug) for entry in columns),
        )
        for slug, role in roles.items()
    )
    pairs = list(pairwise(submitted))
    asked = {str(entry.assessment.pk): (previous, entry) for previous, entry in pairs}
    compared = compare if compare in asked else ""
    return TrackHistory(
        entries=entries,
        submitted=submitted,
        columns=columns,
        trends=trends,
        chart=_chart(submitted, roles),
        changes=_detailed(submitted, asked.get(compared)),
        counts=tuple(_count(previous, entry) for previous, entry in reversed(pairs)),
        compared=compared,
    )


def _entry(assessment: Assessment, matrix: Matrix, levels: Sequence[int]) -> HistoryEntry:
    levels = tuple(levels)
    return HistoryEntry(
        assessment=assessment,
        matrix=matrix,
        levels=levels,
        standing=_standing(assessment, matrix, levels),
    )


def _ladder(matrix: Matrix) -> list[scoring.MatrixRole]:
    """The roles in ladder order, as scoring lists them (rank, then input order)."""
    return sorted(matrix.roles, key=attrgetter("rank"))


def _chart(submitted: Sequence[HistoryEntry], roles: dict[str, scoring.MatrixRole]):
    if len(submitted) < 2:
        return None
    latest = submitted[-1].matrix
    return line_chart(
        [entry.day for entry in submitted],
        [
            (role.title, [_percent_of(entry, slug) for entry in submitted])
            for slug, role in roles.items()
        ],
        thresholds=[
            (percent(latest.ready_threshold), "ready"),
            (percent(latest.close_threshold), "close"),
        ],
    )


def _percent_of(entry: HistoryEntry, slug: str) -> int | None:
    cell = entry.standing.cells.get(slug)
    return cell and cell[0]


def _detailed(
    submitted: Sequence[HistoryEntry], asked: tuple[HistoryEntry, HistoryEntry] | None
) -> tuple[Changes, ...]:
    """The pair asked for, the latest pair, and the first against the latest, each once."""
    pairs = []
    if asked:
        pairs.append(asked)
    if len(submitted) > 1:
        pairs.append((submitted[-2], submitted[-1]))
    if len(submitted) > 2:
        pairs.append((submitted[0], submitted[-1]))
    unique = {(id(previous), id(entry)): (previous, entry) for previous, entry in pairs}
    return tuple(_changes(previous, entry) for previous, entry in unique.values())


def _count(previous: HistoryEntry, entry: HistoryEntry) -> ChangeCount:
    if previous.matrix is entry.matrix:
        pairs = zip(previous.levels, entry.levels, strict=True)
    else:
        before = previous.levels_by_slug()
        pairs = (
            (before[slug], level)
            for slug, level in entry.levels_by_slug().items()
            if slug in before
        )
    rose = fell = unchanged = 0
    for before_level, after_level in pairs:
        if after_level > before_level:
            rose += 1
        elif after_level < before_level:
            fell += 1
        else:
            unchanged += 1
    return ChangeCount(
        key=str(entry.assessment.pk),
        label=(
            f"{entry.day} against {previous.day}: {rose} rose, {fell} fell, {unchanged} unchanged"
        ),
    )


def _changes(previous: HistoryEntry, entry: HistoryEntry) -> Changes:
    before_levels = previous.levels_by_slug()
    after_levels = entry.levels_by_slug()
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
    removed = tuple(
        (skill.name, level_label(previous.matrix, before_levels[skill.slug]))
        for skill in previous.matrix.skills
        if skill.slug not in after_levels
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


# --- Standings ---------------------------------------------------------------------------------

# A submitted assessment's answers and its published version never change, so neither does its
# standing: once worked out, it serves every later view of this process, and a history of fifty
# submissions is not scored fifty times a request. Each process keeps its own, bounded; nothing
# here is needed by another process.
_STANDINGS: OrderedDict[tuple[uuid.UUID, str], Standing] = OrderedDict()
_STANDINGS_KEPT = 4096
_standings_lock = threading.Lock()


def forget_standings() -> None:
    """Empty this process's standings (tests and benchmarks that start from none)."""
    with _standings_lock:
        _STANDINGS.clear()


def _standing(assessment: Assessment, matrix: Matrix, levels: Sequence[int]) -> Standing:
    version = assessment.version
    key = None
    if assessment.is_submitted and version.is_published and version.content_hash:
        key = (assessment.pk, version.content_hash)
        with _standings_lock:
            if key in _STANDINGS:
                _STANDINGS.move_to_end(key)
                return _STANDINGS[key]
    standing = _scored_standing(assessment.target_role.slug, matrix, levels)
    if key is not None:
        with _standings_lock:
            _STANDINGS[key] = standing
            while len(_STANDINGS) > _STANDINGS_KEPT:
                _STANDINGS.popitem(last=False)
    return standing


def _scored_standing(target_slug: str, matrix: Matrix, levels: Sequence[int]) -> Standing:
    slugs = (skill.slug for skill in matrix.skills)
    score = scoring.score(matrix, dict(zip(slugs, levels, strict=True)))
    target = score.role(target_slug)
    return Standing(
        cells={rs.slug: (percent(rs.coverage), rs.verdict) for rs in score.roles},
        fit_title=score.current_fit.role.title if score.current_fit else None,
        target_percent=percent(target.coverage),
        target_verdict=target.verdict,
    )
