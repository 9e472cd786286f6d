"""The report's learning plan: gaps turned into next actions. For the next role(s) up the
ladder and the target, each ranked gap with the track's learning resources that help reach the
required level, a suggested one first, and a rough total of hours.

Resources belong to the track and name their skill by slug (roles.resources), so a report on
any version finds them; a gap no resource helps with says so. A view-model piece of its own,
shown by templates/assessments/learning_plan.jinja."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe

from assessments.charts import escape_ladder_text
from assessments.reports import BLOCKING_BADGE
from assessments.scored import Scored, level_label
from assessments.scoring import ESSENTIAL, RoleScore
from roles.limits import IMPORTANCE_NAMES
from roles.resources import LearningResource

# Gaps listed per role: the plan names the next actions, the report's gap tables list them all.
STEPS_PER_ROLE = 10


@dataclass(frozen=True)
class PlannedResource:
    title: str
    url: str
    kind: str  # "Documentation", "Course"...
    levels: str  # "1-3", with an en dash
    free: bool
    hours: int


@dataclass(frozen=True)
class PlanStep:
    """One gap and what helps close it; `resources[0]` is the suggestion when there are any."""

    skill: str
    category: str
    rated: str
    required: str
    importance_name: str
    blocking: bool
    resources: tuple[PlannedResource, ...]

    @property
    def suggestion(self) -> PlannedResource | None:
        return self.resources[0] if self.resources else None

    @property
    def alternatives(self) -> tuple[PlannedResource, ...]:
        return self.resources[1:]


@dataclass(frozen=True)
class RolePlan:
    slug: str
    title: str
    is_target: bool
    is_next: bool
    steps: tuple[PlanStep, ...]
    more_gaps: int  # gaps beyond the ones listed
    hours: int  # the suggestions' hours, each resource counted once
    paid: int  # suggestions that cost money

    @property
    def without_resources(self) -> int:
        return sum(1 for step in self.steps if not step.resources)

    @property
    def step_items(self) -> SafeString:
        return step_items(self.steps)


@dataclass(frozen=True)
class LearningPlan:
    roles: tuple[RolePlan, ...]

    @property
    def has_gaps(self) -> bool:
        return any(plan.steps for plan in self.roles)


def plan_roles(scored: Scored) -> list[tuple[RoleScore, bool, bool]]:
    """(role score, is target, is next) for the next roles, then the target if not one."""
    score = scored.score
    target = scored.assessment.target_role.slug
    roles = [(role, role.slug == target, True) for role in score.next_roles]
    if all(role.slug != target for role in score.next_roles):
        roles.append((score.role(target), True, False))
    return roles


def build_plan(scored: Scored) -> LearningPlan:
    """The plan of a scored assessment: one query, for the resources of its gaps' skills."""
    roles = plan_roles(scored)
    skills = {gap.skill for role, _, _ in roles for gap in role.gaps[:STEPS_PER_ROLE]}
    resources = LearningResource.objects.for_skills(scored.assessment.track_id, skills)
    return LearningPlan(
        roles=tuple(
            _role_plan(scored, role, is_target, is_next, resources)
            for role, is_target, is_next in roles
        )
    )


def _role_plan(
    scored: Scored,
    role: RoleScore,
    is_target: bool,
    is_next: bool,
    resources: dict[str, list[LearningResource]],
) -> RolePlan:
    steps = []
    for gap in role.gaps[:STEPS_PER_ROLE]:
        skill = scored.skills[gap.skill]
        steps.append(
            PlanStep(
                skill=skill.name,
                category=scored.category_names[skill.category],
                rated=level_label(scored.matrix, gap.rated),
                required=level_label(scored.matrix, gap.required),
                importance_name=IMPORTANCE_NAMES[gap.importance],
                blocking=gap.importance == ESSENTIAL,
                resources=tuple(
                    _planned(resource)
                    for resource in _helpful(resources.get(gap.skill, ()), gap.rated, gap.required)
                ),
            )
        )
    suggestions = {step.suggestion.url: step.suggestion for step in steps if step.suggestion}
    return RolePlan(
        slug=role.slug,
        title=role.role.title,
        is_target=is_target,
        is_next=is_next,
        steps=tuple(steps),
        more_gaps=max(0, len(role.gaps) - STEPS_PER_ROLE),
        hours=sum(resource.hours for resource in suggestions.values()),
        paid=sum(1 for resource in suggestions.values() if not resource.free),
    )


def _helpful(
    resources: Iterable[LearningResource], rated: int, required: int
) -> list[LearningResource]:
    """The resources that help climb from `rated` to `required`: free ones first, then in
    the track's order (the shipped ladders put official documentation first)."""
    helpful = [resource for resource in resources if resource.helps_reach(rated, required)]
    return sorted(helpful, key=lambda resource: not resource.free)


def _planned(resource: LearningResource) -> PlannedResource:
    return PlannedResource(
        title=resource.title,
        url=resource.url,
        kind=resource.get_kind_display(),
        levels=resource.level_range,
        free=resource.free,
        hours=resource.hours,
    )


# --- Steps made in one piece -------------------------------------------------------------------
#
# A plan lists up to STEPS_PER_ROLE gaps for two roles or more, each with its resources: made
# here, every text escaped, as the report's other long lists are (assessments.reports).

STEP_ITEM = (
    '<li><p class="plan-gap"><strong>{skill}</strong> <span class="muted">({category})</span>: '
    "{rated} → <strong>{required}</strong>{blocking}</p>{suggestion}{alternatives}</li>"
)
NO_RESOURCE = (
    '<p class="muted plan-none">No learning resource for this skill yet: the level statement in '
    "the gap table above says what to aim for.</p>"
)


def step_items(steps: Iterable[PlanStep]) -> SafeString:
    """Each gap of a role's plan as a list item: the suggested resource, or a word that there
    is none, then the alternatives."""
    return mark_safe(  # every text in it is escaped
        "".join(
            STEP_ITEM.format(
                skill=escape_ladder_text(step.skill),
                category=escape_ladder_text(step.category),
                rated=escape_ladder_text(step.rated),
                required=escape_ladder_text(step.required),
                blocking=BLOCKING_BADGE if step.blocking else "",
                suggestion=(
                    f'<p class="plan-suggestion">Start with {_resource(step.suggestion)}</p>'
                    if step.suggestion
                    else NO_RESOURCE
                ),
                alternatives=(
                    '<ul class="plan-alternatives">'
                    + "".join(f"<li>Or {_resource(option)}</li>" for option in step.alternatives)
                    + "</ul>"
                    if step.alternatives
                    else ""
                ),
            )
            for step in steps
        )
    )


def _resource(resource: PlannedResource) -> str:
    """A resource's link and what it is: kind, levels, free or paid, rough hours."""
    return (
        f'<a href="{escape(resource.url)}" rel="noopener noreferrer">{escape(resource.title)}</a>'
        f' <span class="muted">({escape(resource.kind.lower())}, levels {escape(resource.levels)},'
        f" {'free' if resource.free else 'paid'}, about {resource.hours} "
        f"hour{pluralize(resource.hours)})</span>"
    )
