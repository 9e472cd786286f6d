"""Score a person's skill levels against every role of a career ladder.

Pure computation (stdlib only: no Django, no I/O). `assessments.scored` turns a stored matrix
version into a `Matrix`; `score()` returns a `Score`; `assessments.scoring_data` turns it into
the scoring part of report.json. The formula is the contract of DESIGN.md "Scoring", explained in
docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import repeat
from operator import attrgetter, getitem, itemgetter
from typing import Any, Literal

Verdict = Literal["ready", "close", "gap"]

READY: Verdict = "ready"
CLOSE: Verdict = "close"
GAP: Verdict = "gap"
# Worst to best, for comparing verdicts.
VERDICT_ORDER: dict[str, int] = {GAP: 0, CLOSE: 1, READY: 2}
ESSENTIAL = 3


# --- Input -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCategory:
    slug: str
    name: str


@dataclass(frozen=True)
class MatrixSkill:
    slug: str
    name: str
    category: str  # category slug


@dataclass(frozen=True)
class MatrixRequirement:
    skill: str  # skill slug
    level: int  # 1..N
    importance: int  # 1 nice to have, 2 important, 3 essential


@dataclass(frozen=True)
class MatrixRole:
    slug: str
    title: str
    rank: int
    requirements: tuple[MatrixRequirement, ...]


@dataclass(frozen=True)
class Matrix:
    scale: tuple[str, ...]  # level names; index = level, so N = len(scale) - 1
    ready_threshold: Fraction
    close_threshold: Fraction
    categories: tuple[MatrixCategory, ...]  # in category order
    skills: tuple[MatrixSkill, ...]  # in skill order
    roles: tuple[MatrixRole, ...]

    @property
    def top_level(self) -> int:
        return len(self.scale) - 1

    # Built on first use and kept on the instance (cached_property writes to __dict__, which
    # a frozen dataclass allows), so a cohort scored against one matrix pays for it once.
    @cached_property
    def _index(self) -> _MatrixIndex:
        return _MatrixIndex(self)


# --- Result ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """One requirement a person does not meet yet."""

    skill: str
    category: str
    required: int
    rated: int
    gap: int  # required - rated, > 0
    importance: int
    priority: int  # importance * gap


@dataclass(frozen=True)
class CategoryCoverage:
    """Coverage of one role's requirements within one category."""

    category: str
    covered: int  # sum of importance * min(rated, required)
    total: int  # sum of importance * required
    requirements: int  # how many requirements the role has in this category
    met: int  # how many of them have no gap

    @property
    def coverage(self) -> Fraction:
        return Fraction(self.covered, self.total)

    @property
    def coverage_float(self) -> float:
        return self.covered / self.total


@dataclass(frozen=True, eq=False)
class RoleScore:
    role: MatrixRole = field(repr=False)
    covered: int  # sum of importance * min(rated, required)
    total: int  # sum of importance * required; 0 for a role without requirements
    verdict: Verdict
    # The person's levels in matrix skill order and the role's table: the ranked gaps are
    # read from them when first asked for, so scoring a cohort for its verdicts makes none.
    _levels: Sequence[int] = field(repr=False)
    _table: _RoleTable = field(repr=False)

    # What follows from the fields is worked out when read, which keeps scoring a cohort fast.

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RoleScore):
            return NotImplemented
        return (self.role, self.covered, self.total, self.verdict, self.gaps) == (
            other.role,
            other.covered,
            other.total,
            other.verdict,
            other.gaps,
        )

    def __hash__(self) -> int:
        return hash((self.role, self.covered, self.total, self.verdict))

    @cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """The requirements not met, ranked, most urgent first."""
        return self._table.gaps(self._levels)

    @cached_property
    def blocking(self) -> tuple[Gap, ...]:
        """The essential requirements not met, in gap order."""
        return tuple(gap for gap in self.gaps if gap.importance == ESSENTIAL)

    @cached_property
    def steps_to_close(self) -> int:
        """Levels still to climb to meet every requirement."""
        return sum(gap.gap for gap in self.gaps)

    @property
    def slug(self) -> str:
        return self.role.slug

    @property
    def rank(self) -> int:
        return self.role.rank

    @property
    def coverage(self) -> Fraction:
        return Fraction(self.covered, self.total) if self.total else Fraction(1)

    @property
    def coverage_float(self) -> float:
        return self.covered / self.total if self.total else 1.0

    @cached_property
    def categories(self) -> tuple[CategoryCoverage, ...]:
        """Coverage per category the role has requirements in, in category order."""
        shortfall = {category: 0 for category, _, _ in self._table.category_totals}
        missed = dict(shortfall)
        for gap in self.gaps:
            shortfall[gap.category] += gap.priority
            missed[gap.category] += 1
        return tuple(
            CategoryCoverage(
                category=category,
                covered=total - shortfall[category],
                total=total,
                requirements=count,
                met=count - missed[category],
            )
            for category, total, count in self._table.category_totals
        )


@dataclass(frozen=True)
class Readiness:
    """A role's coverage and verdict alone (readiness()): a RoleScore without its gaps."""

    covered: int
    total: int
    verdict: Verdict

    @property
    def coverage(self) -> Fraction:
        return Fraction(self.covered, self.total) if self.total else Fraction(1)


@dataclass(frozen=True)
class Strength:
    """A skill rated above the highest level the roles ahead of the person require."""

    skill: str
    category: str
    rated: int
    required: int


@dataclass(frozen=True)
class Score:
    matrix: Matrix = field(repr=False)
    roles: tuple[RoleScore, ...]  # ladder order: rank ascending, then input order
    current_fit: RoleScore | None
    next_roles: tuple[RoleScore, ...]
    path: tuple[RoleScore, ...]
    strengths: tuple[Strength, ...]
    reviewed: Score | None = None

    def role(self, slug: str) -> RoleScore:
        for role_score in self.roles:
            if role_score.slug == slug:
                return role_score
        raise KeyError(slug)


# --- Entry points ------------------------------------------------------------------------------


def score(
    matrix: Matrix,
    ratings: Mapping[str, int],
    mentor_levels: Mapping[str, int] | None = None,
) -> Score:
    """Score self ratings (unrated = 0) and, when mentor levels are given, the reviewed levels.

    Ratings for skills the matrix does not hold are ignored. A level outside 0..N for a skill
    it holds raises ValueError (callers validate first; this is a guard).
    """
    index = matrix._index
    self_levels = index.levels(ratings)
    reviewed = None
    if mentor_levels is not None:
        reviewed = index.score(index.levels(mentor_levels, base=self_levels))
    return index.score(self_levels, reviewed)


def score_role(matrix: Matrix, role_slug: str, levels: Sequence[int]) -> RoleScore:
    """One role scored, the same way as by score(), from levels listed in the matrix's skill
    order (as long as matrix.skills; unrated = 0): what a view of many people needs of each,
    without the rest of the ladder. Raises KeyError for a role the matrix does not hold and
    ValueError for a list of another length or a level outside the scale."""
    index = matrix._index
    return index.score_role(_role_table(index, role_slug, levels), levels)


def readiness(matrix: Matrix, role_slug: str, levels: Sequence[int]) -> Readiness:
    """score_role()'s coverage and verdict, without making the ranked gaps: a cohort view
    shows each person's readiness and reads their gaps from gap_table()."""
    index = matrix._index
    return index.readiness(_role_table(index, role_slug, levels), levels)


def _role_table(index: _MatrixIndex, role_slug: str, levels: Sequence[int]) -> _RoleTable:
    table = index.role_tables[role_slug]
    if len(levels) != len(index.skill_position):
        raise ValueError(f"expected {len(index.skill_position)} levels, got {len(levels)}")
    if levels and (min(levels) < 0 or max(levels) > index.top_level):
        raise ValueError(f"levels must be whole numbers 0..{index.top_level}")
    return table


def gap_table(matrix: Matrix, role_slug: str) -> dict[str, tuple[int, ...]]:
    """For each skill the role requires, the gap a person at each level 0..N has on it (0
    once met): the engine's own per-level table, so that a view showing the gaps of many
    people (a cohort) can look them up instead of scoring each skill. Raises KeyError for a
    role the matrix does not hold."""
    index = matrix._index
    found = index.gap_tables.get(role_slug)
    if found is None:
        table = index.role_tables[role_slug]
        found = index.gap_tables[role_slug] = {
            matrix.skills[position].slug: tuple(table.gap_of(key).gap if key else 0 for key in keys)
            for position, keys in zip(table.positions, table.gap_keys, strict=True)
        }
    return found


def to_be_ready(role_score: RoleScore, ready_threshold: Fraction) -> tuple[Gap, ...]:
    """The gaps to close to be ready for a role: every essential one (any of them blocks),
    then the others by priority until coverage reaches the ready threshold. Closing a gap
    adds its priority (importance x levels missing) to what is covered, so taking the highest
    priorities first asks for the fewest skills."""
    chosen = list(role_score.blocking)
    covered = role_score.covered + sum(gap.priority for gap in chosen)
    for gap in role_score.gaps:
        if Fraction(covered, role_score.total) >= ready_threshold:
            break
        if gap.importance != ESSENTIAL:
            chosen.append(gap)
            covered += gap.priority
    return tuple(chosen)


# --- The engine --------------------------------------------------------------------------------
#
# Everything that depends only on the matrix is worked out once per matrix: for every
# requirement and every level 0..N a person could be at, the Gap it leaves (if any) and that
# gap's place in the ranking as one positive integer (0 when the requirement is met), and
# per skill and level what it takes from every role's coverage, packed into one integer.
# Scoring a person is then one sum over their skills for every role's coverage and verdict,
# and the ranked gaps are table look-ups made when first read, all C-level map/filter/sort/sum
# over integers: fast, and exact because nothing is ever a float.


def _picker(positions: Sequence[int]) -> Callable[[Sequence[int]], tuple[int, ...]]:
    """A function taking the levels at `positions` out of a list, as a tuple."""
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:
        only = positions[0]
        return lambda levels: (levels[only],)
    return lambda levels: ()


def _threshold(value: Any) -> Fraction:
    # A float such as 0.9 is meant as the decimal it prints as, not its binary approximation.
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


class _GapsByKey(dict):
    """Gap by its ranking key, each made the first time it is needed: a matrix loaded afresh
    for every report pays only for the gaps that report has."""

    __slots__ = ("recipes",)

    def __init__(self) -> None:
        super().__init__()
        self.recipes: dict[int, tuple[str, str, int, int, int]] = {}

    def __missing__(self, key: int) -> Gap:
        skill, category, required, rated, importance = self.recipes[key]
        gap = self[key] = Gap(
            skill=skill,
            category=category,
            required=required,
            rated=rated,
            gap=required - rated,
            importance=importance,
            priority=importance * (required - rated),
        )
        return gap


class _RoleTable:
    """One role's requirements, laid out for scoring."""

    __slots__ = (
        "blocking_keys",
        "category_totals",
        "gap_keys",
        "gap_of",
        "pick",
        "positions",
        "priority_of",
        "role",
        "total",
    )

    def __init__(self, index: _MatrixIndex, role: MatrixRole) -> None:
        top = index.top_level
        category_count = len(index.category_slugs)
        skill_count = len(index.skill_position)
        requirements = []
        seen = set()
        for requirement in role.requirements:
            skill = requirement.skill
            position = index.skill_position.get(skill)
            if position is None:
                raise ValueError(f"role {role.slug!r} requires unknown skill {skill!r}")
            if position in seen:
                raise ValueError(f"role {role.slug!r} requires {skill!r} twice")
            if not 1 <= requirement.level <= top:
                raise ValueError(f"role {role.slug!r}: level of {skill!r} is not 1..{top}")
            if not 1 <= requirement.importance <= ESSENTIAL:
                raise ValueError(f"role {role.slug!r}: importance of {skill!r} is not 1..3")
            seen.add(position)
            requirements.append((index.skill_category[position], position, requirement))
        requirements.sort(key=itemgetter(0, 1))

        self.role = role
        self.positions = [position for _, position, _ in requirements]
        self.pick = _picker(self.positions)
        self.total = sum(r.importance * r.level for _, _, r in requirements)
        self.gap_keys: list[list[int]] = []
        gap_by_key = _GapsByKey()
        priorities: dict[int, int] = {}
        blocking_keys = set()
        category_totals: dict[int, list[int]] = {}
        for category, position, requirement in requirements:
            level, importance = requirement.level, requirement.importance
            totals = category_totals.setdefault(category, [0, 0])
            totals[0] += importance * level
            totals[1] += 1
            keys = []
            for rated in range(top + 1):
                if rated >= level:
                    keys.append(0)
                    continue
                priority = importance * (level - rated)
                # Orders priority desc, required desc, category, skill. The skill makes it
                # unique within the role, so sorting keys sorts gaps with no ties.
                key = ((3 * top - priority) * (top + 1) + (top - level)) * category_count
                key = (key + category) * skill_count + position + 1
                priorities[key] = priority
                gap_by_key.recipes[key] = (
                    requirement.skill,
                    index.category_slugs[category],
                    level,
                    rated,
                    importance,
                )
                if importance == ESSENTIAL:
                    blocking_keys.add(key)
                keys.append(key)
            self.gap_keys.append(keys)
        self.gap_of = gap_by_key.__getitem__
        self.priority_of = priorities.__getitem__
        self.blocking_keys = frozenset(blocking_keys)
        self.category_totals = tuple(
            (index.category_slugs[category], total, count)
            for category, (total, count) in sorted(category_totals.items())
        )

    def gap_keys_of(self, levels: Sequence[int]) -> list[int]:
        """The ranking keys of the gaps a person at `levels` has, unsorted."""
        return list(filter(None, map(getitem, self.gap_keys, self.pick(levels))))

    def gaps(self, levels: Sequence[int]) -> tuple[Gap, ...]:
        keys = self.gap_keys_of(levels)
        keys.sort()
        return tuple(map(self.gap_of, keys))


class _MatrixIndex:
    """What scoring needs from a matrix, worked out once (see Matrix._index)."""

    def __init__(self, matrix: Matrix) -> None:
        if len(matrix.scale) < 2:
            raise ValueError("a scale needs at least levels 0 and 1")
        self.matrix = matrix
        self.top_level = len(matrix.scale) - 1
        self.ready = _threshold(matrix.ready_threshold)
        self.close = _threshold(matrix.close_threshold)
        self.category_slugs = [category.slug for category in matrix.categories]
        category_position = {slug: i for i, slug in enumerate(self.category_slugs)}
        self.skill_position: dict[str, int] = {}
        self.skill_category: list[int] = []
        for position, skill in enumerate(matrix.skills):
            if skill.category not in category_position:
                raise ValueError(f"skill {skill.slug!r} is in unknown category {skill.category!r}")
            self.skill_position[skill.slug] = position
            self.skill_category.append(category_position[skill.category])
        # sorted() is stable: roles sharing a rank keep their input order.
        ladder = sorted(matrix.roles, key=attrgetter("rank"))
        self.roles = [_RoleTable(self, role) for role in ladder]
        self.role_tables = {table.role.slug: table for table in self.roles}
        # Role slug -> gap_table(), made the first time it is asked for.
        self.gap_tables: dict[str, dict[str, tuple[int, ...]]] = {}
        # Ladder positions of the roles strengths are measured against -> (pick, keys, of).
        self._strength_tables: dict[tuple[int, ...], tuple[Callable, list, Callable]] = {}
        self.skill_slugs = list(self.skill_position)
        self._shortfalls = self._pack_shortfalls()

    def _pack_shortfalls(self) -> list[list[int]]:
        """For every skill and every level 0..N, what a person at that level falls short on
        it, for all roles at once as one integer: role r's sum of priorities (importance x
        levels missing) in field r and its count of blocking gaps in field R + r, each field
        wide enough to hold a whole role's. Adding up one integer per skill then totals every
        role in one pass, exactly."""
        width = max([len(self.skill_position), *(table.total for table in self.roles)])
        self.field_bits = width.bit_length() + 1
        self.field_mask = (1 << self.field_bits) - 1
        packed = [[0] * (self.top_level + 1) for _ in self.skill_position]
        blocking_field = len(self.roles)
        for role_number, table in enumerate(self.roles):
            priority_shift = role_number * self.field_bits
            blocking_shift = (blocking_field + role_number) * self.field_bits
            for position, keys in zip(table.positions, table.gap_keys, strict=True):
                for level, key in enumerate(keys):
                    if key:
                        packed[position][level] += table.priority_of(key) << priority_shift
                        if key in table.blocking_keys:
                            packed[position][level] += 1 << blocking_shift
        return packed

    def levels(self, ratings: Mapping[str, int], base: list[int] | None = None) -> list[int]:
        """Levels by skill position: `ratings` laid over `base` (all 0 when None)."""
        defaults = repeat(0) if base is None else base
        levels = list(map(ratings.get, self.skill_slugs, defaults))
        if not levels or (
            set(map(type, levels)) == {int} and min(levels) >= 0 and max(levels) <= self.top_level
        ):
            return levels
        # Something is not a level: find it, to name it.
        levels = [0] * len(self.skill_position) if base is None else list(base)
        position_of = self.skill_position
        top = self.top_level
        for slug, level in ratings.items():
            position = position_of.get(slug)
            if position is None:
                continue
            if type(level) is not int or not 0 <= level <= top:
                level = self._checked_level(position, level)
            levels[position] = level
        return levels

    def _checked_level(self, position: int, level: Any) -> int:
        top = self.top_level
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= top:
            slug = self.matrix.skills[position].slug
            raise ValueError(f"level for {slug!r} must be a whole number 0..{top}, got {level!r}")
        return int(level)

    def score_role(self, table: _RoleTable, levels: Sequence[int]) -> RoleScore:
        readiness = self.readiness(table, levels)
        # A copy: the gaps are read from these levels later, whatever the caller does to its own.
        levels = tuple(levels)
        return RoleScore(
            table.role, readiness.covered, table.total, readiness.verdict, levels, table
        )

    def readiness(self, table: _RoleTable, levels: Sequence[int]) -> Readiness:
        keys = table.gap_keys_of(levels)
        covered = table.total - sum(map(table.priority_of, keys))
        blocked = not table.blocking_keys.isdisjoint(keys)
        return Readiness(covered, table.total, self.verdict(table, covered, blocked))

    def verdict(self, table: _RoleTable, covered: int, blocked: bool) -> Verdict:
        total = table.total
        # coverage >= t  <=>  covered * t.denominator >= t.numerator * total, for total > 0;
        # a role without requirements counts as 1/1.
        numerator, denominator = (covered, total) if total else (1, 1)
        if not blocked and numerator * self.ready.denominator >= self.ready.numerator * denominator:
            return READY
        if numerator * self.close.denominator >= self.close.numerator * denominator:
            return CLOSE
        return GAP

    def score(self, levels: list[int], reviewed: Score | None = None) -> Score:
        shortfalls = sum(map(getitem, self._shortfalls, levels))
        bits, mask, blocking_field = self.field_bits, self.field_mask, len(self.roles)
        role_scores = []
        for role_number, table in enumerate(self.roles):
            covered = table.total - ((shortfalls >> role_number * bits) & mask)
            blocked = (shortfalls >> (blocking_field + role_number) * bits) & mask
            verdict = self.verdict(table, covered, blocked > 0)
            role_scores.append(RoleScore(table.role, covered, table.total, verdict, levels, table))
        fit_position = self._current_fit(role_scores)
        if fit_position is None:
            fit = None
            path = role_scores
        else:
            fit = role_scores[fit_position]
            path = [role_score for role_score in role_scores if role_score.rank > fit.rank]
        next_positions = ()
        if path:
            # Ladder order: the first role of the path has the next rank that exists.
            next_positions = tuple(
                position
                for position, role_score in enumerate(role_scores)
                if role_score.rank == path[0].rank
            )
        reference = next_positions or (() if fit_position is None else (fit_position,))
        return Score(
            matrix=self.matrix,
            roles=tuple(role_scores),
            current_fit=fit,
            next_roles=tuple(role_scores[position] for position in next_positions),
            path=tuple(path),
            strengths=self._strengths(levels, reference),
            reviewed=reviewed,
        )

    @staticmethod
    def _current_fit(role_scores: list[RoleScore]) -> int | None:
        """The highest-ranked ready role; of several at that rank, the best covered, then the
        first in input order (max() keeps the first of equals)."""
        ready = [position for position, rs in enumerate(role_scores) if rs.verdict == READY]
        if not ready:
            return None
        top_rank = max(role_scores[position].rank for position in ready)
        return max(
            (position for position in ready if role_scores[position].rank == top_rank),
            key=lambda position: role_scores[position].coverage,
        )

    def _strengths(self, levels: list[int], reference: tuple[int, ...]) -> tuple[Strength, ...]:
        """Skills rated above the highest level any reference role requires of them."""
        if not reference:
            return ()
        tables = self._strength_tables.get(reference)
        if tables is None:
            tables = self._strength_tables[reference] = self._build_strength_tables(reference)
        pick, strength_keys, strength_of = tables
        keys = list(filter(None, map(getitem, strength_keys, pick(levels))))
        keys.sort()
        return tuple(map(strength_of, keys))

    def _build_strength_tables(self, reference: tuple[int, ...]) -> tuple[Callable, list, Callable]:
        top = self.top_level
        category_count = len(self.category_slugs)
        skill_count = len(self.skill_position)
        highest: dict[int, int] = {}
        for position in reference:
            for requirement in self.roles[position].role.requirements:
                skill = self.skill_position[requirement.skill]
                highest[skill] = max(highest.get(skill, 0), requirement.level)
        # A skill required at the top level cannot be exceeded.
        positions = sorted(position for position, level in highest.items() if level < top)
        strength_keys = []
        strength_by_key: dict[int, Strength] = {}
        for position in positions:
            required = highest[position]
            skill = self.matrix.skills[position]
            category = self.skill_category[position]
            keys = [0] * (required + 1)
            for rated in range(required + 1, top + 1):
                # Widest margin first, then category order, then skill order.
                key = ((top - (rated - required)) * category_count + category) * skill_count
                key += position + 1
                strength_by_key[key] = Strength(skill.slug, skill.category, rated, required)
                keys.append(key)
            strength_keys.append(keys)
        return _picker(positions), strength_keys, strength_by_key.__getitem__
