"""Ladder coherence: whether a matrix reads as a progression in which each rung builds on the
one below, and where it does not (docs/coherence.md).

`lint(document)` checks an interchange document (a validated file or an exported version, see
roles.interchange) and returns a `LintReport`. Pure: no database, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby, pairwise
from typing import Any

from roles.readiness import ESSENTIAL, Requires, coverage, is_ready, weight

# Severities. An error fails `manage.py lint_ladder`; a warning is worth fixing but does not;
# a note is information about how the ladder scores.
ERROR = "error"
WARNING = "warning"
NOTE = "note"
SEVERITIES = (ERROR, WARNING, NOTE)

# Kinds of finding.
HOLE = "hole"
INVERSION = "inversion"
NEEDLESS_DROP = "needless-drop"
UNUSED_SKILL = "unused-skill"
NO_ESSENTIAL = "no-essential"
MISSING_STATEMENT = "missing-statement"
WORST_CASE = "worst-case"


@dataclass(frozen=True)
class Shortfall:
    """A requirement of a lower rung that the exact profile of a higher rung does not meet."""

    skill: str
    required: int  # the level the lower rung requires
    importance: int  # its importance there
    level: int  # the level the higher rung requires (0: not required)


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    message: str  # one or two sentences for people, with titles, skill names and level names
    role: str = ""  # the role it is about; for holes, inversions and worst cases the higher rung
    skill: str = ""  # the skill it is about, if one
    levels: tuple[int, ...] = ()  # hole: (level below, level here; 0 = not required);
    # missing statement: the levels without one
    below: str = ""  # holes, inversions and worst cases: the lower rung
    shortfalls: tuple[Shortfall, ...] = ()  # inversions: what the exact profile misses below
    example: tuple[tuple[str, int], ...] = ()  # worst case: levels ready for role, not for below

    @property
    def place(self) -> str:
        """Where, in slugs: "senior -> lead: kafka 3 -> 0", "director over junior", ..."""
        if self.kind == HOLE:
            return f"{self.below} -> {self.role}: {self.skill} {self.levels[0]} -> {self.levels[1]}"
        if self.below:
            return f"{self.role} over {self.below}"
        if self.kind == MISSING_STATEMENT:
            return f"{self.skill} levels {', '.join(map(str, self.levels))}"
        return "/".join(part for part in (self.role, self.skill) if part)


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]  # errors first, then warnings, then notes

    def of(self, severity: str) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == severity)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return self.of(ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return self.of(WARNING)

    @property
    def notes(self) -> tuple[Finding, ...]:
        return self.of(NOTE)

    @property
    def ok(self) -> bool:
        """No inversion and no undeclared hole: what `lint_ladder` exits 0 on."""
        return not self.errors

    def summary(self) -> str:
        """ "2 errors, 1 warning, 0 notes" """
        return ", ".join(
            _count(len(self.of(severity)), severity) for severity in (ERROR, WARNING, NOTE)
        )

    def lines(self) -> list[str]:
        """Every finding as one line of text: severity, kind, place in slugs, message."""
        return [
            f"{finding.severity} {finding.kind} [{finding.place}]: {finding.message}"
            for finding in self.findings
        ]


def lint(document: Mapping[str, Any]) -> LintReport:
    """Every finding on the ladder of an interchange document, errors first."""
    ladder = _Ladder(document)
    findings = [
        *_holes(ladder),
        *_inversions(ladder),
        *_needless_drops(ladder),
        *_unused_skills(ladder),
        *_roles_without_essentials(ladder),
        *_missing_statements(ladder),
        *_worst_cases(ladder),
    ]
    findings.sort(key=lambda finding: SEVERITIES.index(finding.severity))
    return LintReport(tuple(findings))


# --- Reading the document ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Role:
    slug: str
    title: str
    rank: int
    requires: dict[str, tuple[int, int]]
    drops: dict[str, str]


class _Ladder:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.scale: list[str] = list(document["scale"])
        self.top = len(self.scale) - 1
        self.ready = Fraction(document["track"]["ready_threshold"])
        self.skills: list[dict] = list(document["skills"])
        self.skill_names = {skill["slug"]: skill["name"] for skill in self.skills}
        self.roles = sorted(
            (
                _Role(
                    slug=role["slug"],
                    title=role["title"],
                    rank=role["rank"],
                    requires={skill: tuple(pair) for skill, pair in role["requires"].items()},
                    drops=dict(role["drops"]),
                )
                for role in document["roles"]
            ),
            key=lambda role: role.rank,
        )
        # Roles sharing a rank fork the ladder; a rung is all the roles of one rank.
        self.rungs = [list(group) for _, group in groupby(self.roles, key=lambda r: r.rank)]

    def level(self, level: int) -> str:
        return f"{self.scale[level]} ({level})" if level else "not required"

    def names(self, skills: Sequence[str]) -> str:
        return ", ".join(self.skill_names[skill] for skill in skills)


# --- The checks --------------------------------------------------------------------------------


def _holes(ladder: _Ladder) -> Iterator[Finding]:
    """A skill a rung requires that a role of the next rank requires lower or not at all,
    unless that role declares it dropped."""
    for lower_rung, upper_rung in pairwise(ladder.rungs):
        for upper in upper_rung:
            for lower in lower_rung:
                for skill, (level, _) in lower.requires.items():
                    have = upper.requires.get(skill, (0, 0))[0]
                    if have >= level or (have == 0 and skill in upper.drops):
                        continue
                    name = ladder.skill_names[skill]
                    if have:
                        advice = f"requires it only at {ladder.level(have)}: levels rise or hold"
                    else:
                        advice = "does not require it: require it, or declare the drop"
                    yield Finding(
                        kind=HOLE,
                        severity=ERROR,
                        message=(
                            f"{lower.title} requires {name} at {ladder.level(level)}; "
                            f"{upper.title}, the next rung, {advice}."
                        ),
                        role=upper.slug,
                        skill=skill,
                        levels=(level, have),
                        below=lower.slug,
                    )


def _inversions(ladder: _Ladder) -> Iterator[Finding]:
    """Someone who meets a rung's requirements exactly, and has nothing else, is not ready for
    a lower rung. Drops never excuse this."""
    for upper in ladder.roles:
        exact = {skill: level for skill, (level, _) in upper.requires.items()}
        for lower in ladder.roles:
            if lower.rank >= upper.rank or is_ready(lower.requires, exact, ladder.ready):
                continue
            shortfalls = tuple(
                Shortfall(skill, level, importance, exact.get(skill, 0))
                for skill, (level, importance) in lower.requires.items()
                if exact.get(skill, 0) < level
            )
            blocked = [s.skill for s in shortfalls if s.importance == ESSENTIAL]
            details = "; ".join(
                f"{ladder.skill_names[s.skill]} {ladder.level(s.required)} there, "
                f"{ladder.level(s.level)} here"
                for s in shortfalls
            )
            yield Finding(
                kind=INVERSION,
                severity=ERROR,
                message=(
                    f"Whoever exactly meets {upper.title} (and nothing more) is not ready for "
                    f"{lower.title}: {_percent(coverage(lower.requires, exact))} covered, "
                    f"{_percent(ladder.ready)} needed"
                    + (f", blocked by {ladder.names(blocked)}" if blocked else "")
                    + f". Short of {lower.title} on {details}."
                ),
                role=upper.slug,
                below=lower.slug,
                shortfalls=shortfalls,
            )


def _needless_drops(ladder: _Ladder) -> Iterator[Finding]:
    """A declared drop of a skill no role of the rung below requires: nothing is dropped."""
    for lower_rung, rung in pairwise([[], *ladder.rungs]):
        needed = {skill for role in lower_rung for skill in role.requires}
        for role in rung:
            for skill in role.drops:
                if skill in needed:
                    continue
                titles = [r.title for r in lower_rung]
                if not titles:
                    why = "it is the lowest rung"
                elif len(titles) == 1:
                    why = f"{titles[0]}, the rung below, does not require it"
                else:
                    why = (
                        f"neither {', '.join(titles[:-1])} nor {titles[-1]}, the roles of the "
                        "rung below, requires it"
                    )
                yield Finding(
                    kind=NEEDLESS_DROP,
                    severity=WARNING,
                    message=(
                        f"{role.title} declares {ladder.skill_names[skill]} not assessed, but "
                        f"{why}: there is nothing to drop. Remove the declaration."
                    ),
                    role=role.slug,
                    skill=skill,
                )


def _unused_skills(ladder: _Ladder) -> Iterator[Finding]:
    required = {skill for role in ladder.roles for skill in role.requires}
    for skill in ladder.skills:
        if skill["slug"] not in required:
            yield Finding(
                kind=UNUSED_SKILL,
                severity=WARNING,
                message=(
                    f"No role requires {skill['name']}: people rate it and no score uses it. "
                    "Require it where it belongs, or remove the skill."
                ),
                skill=skill["slug"],
            )


def _roles_without_essentials(ladder: _Ladder) -> Iterator[Finding]:
    for role in ladder.roles:
        if not any(importance == ESSENTIAL for _, importance in role.requires.values()):
            yield Finding(
                kind=NO_ESSENTIAL,
                severity=WARNING,
                message=(
                    f"{role.title} has no essential requirement: nothing can block it, so a "
                    "high average makes anyone ready. Mark what the role cannot do without."
                ),
                role=role.slug,
            )


def _missing_statements(ladder: _Ladder) -> Iterator[Finding]:
    for skill in ladder.skills:
        missing = tuple(
            level for level in range(1, ladder.top + 1) if not skill["levels"].get(level)
        )
        if missing:
            listed = ", ".join(ladder.level(level) for level in missing)
            yield Finding(
                kind=MISSING_STATEMENT,
                severity=WARNING,
                message=(
                    f"{skill['name']} says nothing of what a person does at {listed}: "
                    "self-ratings there have no anchor."
                ),
                skill=skill["slug"],
                levels=missing,
            )


def _worst_cases(ladder: _Ladder) -> Iterator[Finding]:
    """How far someone ready for a rung may still be from the rung just below (see
    worst_case)."""
    allowed = 1 - ladder.ready
    for lower_rung, upper_rung in pairwise(ladder.rungs):
        for upper in upper_rung:
            for lower in lower_rung:
                worst = worst_case(upper.requires, lower.requires, ladder.ready)
                if worst is None:
                    continue
                parts = []
                if (
                    worst.missed * ladder.ready.denominator
                    > (ladder.ready.denominator - ladder.ready.numerator) * worst.weight
                ):
                    parts.append(
                        f"miss up to {_percent(Fraction(worst.missed, worst.weight))} of "
                        f"{lower.title}'s weighted requirements (ready allows "
                        f"{_percent(allowed)})"
                    )
                if worst.blocked:
                    parts.append(f"lack {ladder.names(worst.blocked)}, essential there")
                yield Finding(
                    kind=WORST_CASE,
                    severity=NOTE,
                    message=(
                        f"Someone ready for {upper.title} may still not be ready for "
                        f"{lower.title}: they can {' or '.join(parts)}. The score judges each "
                        "rung on its own."
                    ),
                    role=upper.slug,
                    below=lower.slug,
                    example=tuple(worst.example.items()),
                )


@dataclass(frozen=True)
class WorstCase:
    """How far from a lower role someone ready for a higher role may be."""

    missed: int  # the largest weighted shortfall on the lower role (sum of importance x gap)
    weight: int  # the lower role's full weight (sum of importance x level)
    example: dict[str, int]  # levels that are ready for the higher role, not for the lower
    blocked: tuple[str, ...]  # essential skills of the lower role such a person may lack


def worst_case(upper: Requires, lower: Requires, ready: Fraction) -> WorstCase | None:
    """Whether someone ready for `upper` can be not ready for `lower`, and how far from it
    they can be; None when everyone ready for `upper` is ready for `lower`.

    Coverage lets a person miss (1 - ready) of a role's weight. A higher role usually weighs
    more, so that allowance, spent on what the lower role needs, can exceed the lower role's
    own; and a skill essential below may be less than essential above. The largest shortfall
    is a knapsack over `lower`'s skills: within the shortfall `upper` allows, choose each
    skill's level to miss as much of `lower` as possible. Skills only `upper` requires stay at
    its level: they cost `lower` nothing.
    """
    budget = math.floor((1 - ready) * weight(upper))
    # Shortfall on upper -> (shortfall on lower, the levels chosen so far, as a linked list).
    best: dict[int, tuple[int, Any]] = {0: (0, None)}
    for skill, (level, importance) in lower.items():
        upper_level, upper_importance = upper.get(skill, (0, 0))
        lowest = upper_level if upper_importance == ESSENTIAL else 0
        options = [
            (upper_importance * max(0, upper_level - rated), importance * (level - rated), rated)
            for rated in range(lowest, level)
        ]
        options.append((0, 0, max(level, upper_level)))
        step: dict[int, tuple[int, Any]] = {}
        for spent, (missed, chosen) in best.items():
            for cost, loss, rated in options:
                total = spent + cost
                if total <= budget and (total not in step or step[total][0] < missed + loss):
                    step[total] = (missed + loss, (skill, rated, chosen))
        best = step
    missed, chosen = max(best.values(), key=lambda entry: entry[0])
    example = {skill: level for skill, (level, _) in upper.items()}
    while chosen is not None:
        skill, rated, chosen = chosen
        example[skill] = rated

    # Essential skills of `lower` that someone ready for `upper` may hold one level short.
    blocked = []
    for skill, (level, importance) in lower.items():
        upper_level, upper_importance = upper.get(skill, (0, 0))
        rated = level - 1
        if importance != ESSENTIAL or (upper_importance == ESSENTIAL and upper_level > rated):
            continue
        if upper_importance * max(0, upper_level - rated) <= budget:
            blocked.append(skill)

    total = weight(lower)
    if missed * ready.denominator <= (ready.denominator - ready.numerator) * total:
        if not blocked:
            return None
        # Coverage alone never fails: show the blocking instead.
        example = {skill: level for skill, (level, _) in upper.items()}
        example[blocked[0]] = lower[blocked[0]][0] - 1
    return WorstCase(missed=missed, weight=total, example=example, blocked=tuple(blocked))


def _percent(value: Fraction) -> str:
    """Rounded down to a tenth of a percent, so that a figure shown at 90% really is 90%."""
    tenths = math.floor(value * 1000)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
