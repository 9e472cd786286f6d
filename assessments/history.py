"""Progress over time on one track: every assessment of a user scored on its own pinned
version, the coverage of each rung across the submitted ones (a table and a line chart), and
what moved between one submission and the next.

A long history stays a page you can read, and costs about what a short one does: the chart
spans every submission, the tables show the latest few, the changes are written out in full for
one pair (the latest, or the one the reader asks for), the first against the latest is one line
of counts, and so is each of the latest few pairs, every pair on request."""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from operator import attrgetter

from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone

from assessments import scoring
from assessments.charts import LineChart, line_chart
from assessments.kept import Kept
from assessments.models import Assessment
from assessments.scored import kept_key, level_label, percent
from assessments.scoring import Matrix

RECENT_ASSESSMENTS = 6  # rows of the assessments table
TREND_COLUMNS = 6  # submissions in the coverage table: the first and the latest ones
RECENT_PAIRS = 5  # pairs of consecutive submissions listed, unless all are asked for


@dataclass(frozen=True)
class Standing:
    """Where one assessment puts its person: what the progress page and My assessments show
    of its score."""

    cells: dict[str, tuple[int, str]]  # role slug -> (percent, verdict), ladder order
    fit_title: str | None
    next_roles: str  # "Senior MLOps Engineer (close, 81%)"; forks joined with "or"; "" at the top
    target_percent: int
    target_verdict: str


@dataclass(frozen=True)
class HistoryEntry:
    """One assessment of the track, scored on its own pinned version."""

    assessment: Assessment
    matrix: Matrix
    levels: tuple[int, ...]  # in the matrix's skill order, unrated as 0
    standing: Standing
    day: str  # "24 Oct 2022": the moment's date as the date filter writes "j M Y"
    iso: str  # the moment in the current time zone, as the date filter writes "c"

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

    def levels_by_slug(self) -> dict[str, int]:
        return dict(zip((skill.slug for skill in self.matrix.skills), self.levels, strict=True))


@dataclass(frozen=True)
class SkillChange:
    skill: str
    before: str
    after: str
    delta: int


def _list_items(changes: Sequence[SkillChange]) -> SafeString:
    """ "<li>Python: 2 · Working → <strong>4 · Advanced</strong> (+2)</li>" for each change,
    written here in one string: the list can run to every skill of the ladder, and a template
    loop would spend four variables on each."""
    escape = html.escape
    return mark_safe(
        "".join(
            f"<li>{escape(c.skill)}: {escape(c.before)} → <strong>{escape(c.after)}</strong> "
            f'<span class="muted">({c.delta:+d})</span></li>'
            for c in changes
        )
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

    @property
    def rose_items(self) -> SafeString:
        return _list_items(self.rose)

    @property
    def fell_items(self) -> SafeString:
        return _list_items(self.fell)


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

    @property
    def cells_html(self) -> SafeString:
        """The row's cells in one string: a row per rung, a cell per column, each of which a
        template would spend four nodes on."""
        return mark_safe("".join(_trend_cell(cell) for cell in self.cells))


def _trend_cell(cell: tuple[int, str] | None) -> str:
    if cell is None:
        return '<td><span class="muted">not in this version</span></td>'
    number, verdict = cell
    verdict = html.escape(verdict)
    return f'<td>{number}% <span class="badge badge-{verdict}">{verdict.capitalize()}</span></td>'


@dataclass(frozen=True)
class TrackHistory:
    entries: tuple[HistoryEntry, ...]  # every assessment, drafts too, oldest first
    submitted: tuple[HistoryEntry, ...]  # submitted ones, in the order they were submitted
    columns: tuple[HistoryEntry, ...]  # the submissions the coverage table shows
    trends: tuple[RoleTrend, ...]
    chart: LineChart | None
    changes: Changes | None  # written out in full: the pair asked for, else the latest
    overall: str  # the first submission against the latest in counts, "" under three
    counts: tuple[ChangeCount, ...]  # pairs of consecutive submissions, latest first
    pair_total: int  # how many such pairs there are; `counts` holds the latest few or all
    all_pairs: bool  # every pair was asked for (?pairs=all)
    compared: str  # the key of the pair asked for with ?compare=, "" for none

    @property
    def more_pairs(self) -> int:
        return self.pair_total - len(self.counts)

    @property
    def recent_pairs(self) -> int:
        return RECENT_PAIRS

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
    all_pairs: bool = False,
) -> TrackHistory:
    """`levels`: assessment id -> levels in its matrix's skill order; `matrices`: version id
    -> Matrix; `compare`: the id of a submitted assessment to compare in full with the one
    before it; `all_pairs`: list every pair of consecutive submissions, not the latest few."""
    calendar = Calendar()
    entries = tuple(
        _entry(assessment, matrices[assessment.version_id], levels[assessment.pk], calendar)
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
    detailed = asked.get(compared) or (pairs[-1] if pairs else None)
    listed = pairs if all_pairs else pairs[-RECENT_PAIRS:]
    return TrackHistory(
        entries=entries,
        submitted=submitted,
        columns=columns,
        trends=trends,
        chart=_chart(submitted, roles),
        changes=detailed and _changes(*detailed),
        overall=_overall(submitted),
        counts=tuple(_count(previous, entry) for previous, entry in reversed(listed)),
        pair_total=len(pairs),
        all_pairs=all_pairs,
        compared=compared,
    )


def _entry(
    assessment: Assessment, matrix: Matrix, levels: Sequence[int], calendar: Calendar
) -> HistoryEntry:
    levels = tuple(levels)
    local = calendar.local(assessment.submitted_at or assessment.created_at)
    return HistoryEntry(
        assessment=assessment,
        matrix=matrix,
        levels=levels,
        standing=standing(assessment, matrix, levels),
        day=calendar.day(local),
        iso=local.isoformat(),
    )


class Calendar:
    """Dates as the date filter writes them, in the current time zone and language, each
    looked up once a page rather than once a date: a history shows every submission's date
    (the chart asks for them all), and the filter costs several times this."""

    def __init__(self) -> None:
        self.zone = get_current_timezone()
        self.months: dict[int, str] = {}

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def day(self, local: datetime) -> str:
        """ "24 Oct 2022", as "j M Y"."""
        month = self.months.get(local.month)
        if month is None:
            month = self.months[local.month] = MONTHS_3[local.month].title()
        return f"{local.day} {month} {local.year}"


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


def _overall(submitted: Sequence[HistoryEntry]) -> str:
    if len(submitted) < 3:  # with two, the latest pair says it already
        return ""
    first, latest = submitted[0], submitted[-1]
    return f"{latest.day} against your first, {first.day}: {_tally(first, latest)}"


def _count(previous: HistoryEntry, entry: HistoryEntry) -> ChangeCount:
    return ChangeCount(
        key=str(entry.assessment.pk),
        label=f"{entry.day} against {previous.day}: {_tally(previous, entry)}",
    )


def _tally(previous: HistoryEntry, entry: HistoryEntry) -> str:
    """ "3 rose, 1 fell, 160 unchanged": the skills both hold, matched by slug."""
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
    return f"{rose} rose, {fell} fell, {unchanged} unchanged"


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
        if after == before:
            unchanged += 1
            continue
        change = SkillChange(
            skill=skill.name,
            before=level_label(previous.matrix, before),
            after=level_label(entry.matrix, after),
            delta=after - before,
        )
        (rose if change.delta > 0 else fell).append(change)
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
_STANDINGS: Kept[Standing] = Kept(4096)


def standing(assessment: Assessment, matrix: Matrix, levels: Sequence[int]) -> Standing:
    """The score of `assessment` (its `levels` in `matrix`'s skill order) at a glance; a
    submitted one's is worked out once per process."""
    version_key = kept_key(assessment.version)
    key = None
    if assessment.is_submitted and version_key is not None:
        key = (assessment.pk, version_key[1])
    target = assessment.target_role.slug
    return _STANDINGS.get_or_make(key, lambda: _scored_standing(target, matrix, levels))


def _scored_standing(target_slug: str, matrix: Matrix, levels: Sequence[int]) -> Standing:
    slugs = (skill.slug for skill in matrix.skills)
    score = scoring.score(matrix, dict(zip(slugs, levels, strict=True)))
    target = score.role(target_slug)
    return Standing(
        cells={rs.slug: (percent(rs.coverage), rs.verdict) for rs in score.roles},
        fit_title=score.current_fit.role.title if score.current_fit else None,
        next_roles=" or ".join(
            f"{role_score.role.title} ({role_score.verdict}, {percent(role_score.coverage)}%)"
            for role_score in score.next_roles
        ),
        target_percent=percent(target.coverage),
        target_verdict=target.verdict,
    )
