"""The report's first card, the next step: what it takes to be ready for each next role, in a
sentence and a short list; and the dumbbells of a role, skill by skill. On the worked example
of docs/scoring.md, figures worked out by hand."""

from __future__ import annotations

import re

import pytest

from assessments import reports
from assessments.models import Rating
from assessments.scored import score_assessment
from tests.assessments.worked_example import statement, worked_example
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db


def steps_of(assessment, evidence=None):
    scored = score_assessment(assessment)
    steps = reports.next_steps(scored, assessment.level_statements(), evidence or {})
    return scored, steps


def test_the_next_step_names_what_blocks_the_next_role_with_what_its_level_looks_like(owner):
    # Junior fits; Engineer is close, blocked by ML pipelines (2, needs 3).
    scored, (engineer,) = steps_of(worked_example(owner))

    assert engineer.title == "Engineer"
    assert (engineer.percent, engineer.verdict) == (91, "close")
    (pipelines,) = engineer.skills
    assert (pipelines.skill, pipelines.rated, pipelines.required) == (
        "ML pipelines",
        "2 · Working",
        "3 · Practitioner",
    )
    assert pipelines.essential
    assert pipelines.statement == statement("ML pipelines", 3)
    assert reports.next_step_sentence(scored.score, [engineer]) == (
        "Raise ML pipelines to Practitioner to be ready for Engineer."
    )


def test_without_a_fit_the_first_rung_asks_its_essentials_then_the_biggest_gaps(owner):
    scored, (junior,) = steps_of(worked_example(owner, ratings={}, submit=False))

    # Junior, 0 of 15: Python (essential, 3 x 2 = 6) -> 6/15; then communication and Docker
    # (2 x 2 = 4 each, communication's category first) -> 14/15 = 93 %: ready. Monitoring
    # (1 x 1) can wait.
    assert [item.skill for item in junior.skills] == ["Python", "Communication", "Docker"]
    assert [item.essential for item in junior.skills] == [True, False, False]
    assert reports.next_step_sentence(scored.score, [junior]) == (
        "Raise Python to Working, Communication to Working and Docker to Working "
        "to be ready for Junior."
    )


def test_a_long_next_step_names_three_skills_then_counts_and_folds_the_rest(owner):
    ladder = make_ladder(skills=12, roles=1, categories=2)
    scored, (step,) = steps_of(AssessmentFactory(user=owner, version=ladder))

    assert len(step.skills) > reports.NEXT_SHOWN
    assert step.shown == step.skills[: reports.NEXT_SHOWN]
    assert step.folded == step.skills[reports.NEXT_SHOWN :]
    more = len(step.skills) - 3
    assert reports.next_step_sentence(scored.score, [step]).endswith(
        f" and {more} more skills to be ready for Role 1."
    )
    # Essential ones first.
    essentials = [item.essential for item in step.skills]
    assert essentials == sorted(essentials, reverse=True)


def test_the_next_step_shows_the_persons_own_evidence_beside_the_skill(owner):
    assessment = worked_example(owner)
    Rating.objects.filter(assessment=assessment, skill__slug="ml-pipelines").update(
        evidence="Built the nightly retraining DAG."
    )
    evidence = {slug: note for slug, _, note in assessment.stored_ratings()}

    _, (engineer,) = steps_of(assessment, evidence)

    assert engineer.skills[0].evidence == "Built the nightly retraining DAG."


def test_the_top_rung_and_a_fork_read_as_one_sentence(owner):
    scored, _ = steps_of(worked_example(owner))
    left = reports.NextStep("Left", 80, "close", (_item("A", "Practitioner"),))
    right = reports.NextStep("Right", 40, "gap", (_item("B", "Working"), _item("C", "Advanced")))

    assert reports.next_step_sentence(scored.score, [left, right]) == (
        "The ladder forks: raise A to Practitioner to be ready for Left "
        "or raise B to Working and C to Advanced to be ready for Right."
    )
    # No next role: the fit is the top rung (here Junior stands in for it).
    assert reports.next_step_sentence(scored.score, []) == (
        "You are ready for Junior, the top rung of this ladder."
    )


def _item(skill: str, level: str) -> reports.StepSkill:
    return reports.StepSkill(skill, "Tools", "1 · Awareness", f"3 · {level}", level, True, "", "")


def test_the_dumbbells_of_a_role_go_by_category_biggest_gap_first(owner):
    scored = score_assessment(worked_example(owner))

    chart = reports.role_detail(scored, scored.score.role("senior"), {}, {}).dumbbells

    groups = re.findall(r'<h4 class="dumbbell-group">(.*?)</h4>(.*?)(?=<h4|$)', chart)
    rows = {
        title: [
            (name, int(rated), int(required))
            for name, rated, required in re.findall(
                r'dumbbell-name">(.*?)</span>.*?you (\d), needs (\d)', body
            )
        ]
        for title, body in groups
    }
    assert rows == {
        "Technical skills": [("ML pipelines", 2, 4), ("Python", 4, 4)],
        "Operational skills": [("Monitoring", 2, 4)],
        "Soft skills": [("Communication", 3, 4)],
        "Tools": [("Docker", 3, 3)],
    }
    ticks = re.findall(r'<text x="[^"]+" y="14" text-anchor="middle">(\d)</text>', chart)
    assert ticks[:6] == ["0", "1", "2", "3", "4", "5"]
