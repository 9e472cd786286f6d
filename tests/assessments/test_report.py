"""The report page: the numbers a job seeker and a mentor rely on, worked out by hand on a small
ladder (the worked example of docs/scoring.md), drafts, a newer matrix version, the charts,
who may see it, and how many queries it costs."""

from __future__ import annotations

import html
import re
from fractions import Fraction

import pytest
from django.urls import reverse

from assessments import charts, reports
from assessments.kept import forget_everything
from assessments.models import Rating
from assessments.scoring import Matrix, MatrixCategory, MatrixRequirement, MatrixRole, MatrixSkill
from assessments.scoring import score as score_ratings
from roles.models import Category, Role, Skill
from tests.assessments.conftest import HTMX, answer_all
from tests.assessments.worked_example import (
    folded_evidence,
    publish_version_2,
    report_url,
    section,
    statement,
    text_of,
    worked_example,
)
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(owner):
    return worked_example(owner)


# --- The numbers -----------------------------------------------------------------------------


def test_the_summary_says_where_you_stand_in_one_sentence(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    summary = text_of(section(body, "summary-title"))
    # Junior 15/15 ready; Engineer 31/34 with ML pipelines (essential) one level short.
    assert "You are ready for Junior; Engineer is close: 1 gap, one essential." in summary
    assert "Fits you now Junior" in summary
    # Senior: 36/50 = 72 %, below 75 %.
    assert "Senior: 72% coverage Gap" in summary
    assert "Essential skills below the required level: ML pipelines, Monitoring." in summary


def test_the_report_opens_with_the_next_step_then_the_target_the_ladder_and_details(
    owner_client, worked
):
    body = owner_client.get(report_url(worked)).content.decode()

    first = text_of(section(body, "next-title"))
    # Engineer 31/34 is blocked by ML pipelines (2, essential at 3): raised, 34/34.
    assert first.startswith(
        'aria-labelledby="next-title"> '
        "Your next step Raise ML pipelines to Practitioner to be ready for Engineer. "
        "ML pipelines (Technical skills) Essential 2 · Working → 3 · Practitioner "
        "At 3 · Practitioner: " + statement("ML pipelines", 3)
    )
    order = [
        body.index(f'id="{heading}"')
        for heading in (
            "next-title",
            "summary-title",
            "target-title",
            "plan-title",  # the learning plan, after the target's gaps it expands on
            "ladder-title",
            "next-engineer-title",
            "strengths-title",
            "how-title",
        )
    ]
    assert order == sorted(order)
    # The next step is the report's first card.
    assert re.search(r'class="card[^"]*"', body).group(0) == 'class="card report-next"'


def test_the_ladder_shows_every_rung_with_coverage_verdict_and_blockers(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    ladder = section(body, "ladder-title")
    cards = re.findall(r"<article class=\"card ladder-role[^\"]*\">(.*?)</article>", ladder, re.S)
    rungs = [text_of(card) for card in cards]
    assert len(rungs) == 3
    assert rungs[0].startswith("Junior") and "Fits you now" in rungs[0]
    assert "100% coverage" in rungs[0] and "Ready" in rungs[0] and "No gaps" in rungs[0]
    # 31/34 = 91.2 %: above 90 %, but an essential gap keeps it close.
    assert "Next step" in rungs[1] and "91% coverage" in rungs[1] and "Close" in rungs[1]
    assert "Blocked by an essential skill: ML pipelines" in rungs[1]
    assert "1 gap, 1 level to climb" in rungs[1]
    assert "Your target" in rungs[2] and "72% coverage" in rungs[2] and "Gap" in rungs[2]
    assert "Blocked by essential skills: ML pipelines, Monitoring" in rungs[2]
    assert "3 gaps, 5 levels to climb" in rungs[2]
    # The bar is drawn to the same percent the text gives, with the thresholds marked.
    assert 'class="bar-fill bar-gap" width="72"' in cards[2]
    assert 'x1="90.0"' in cards[2] and 'x1="75.0"' in cards[2]


def test_the_gaps_of_the_target_come_ranked_with_levels_and_what_good_looks_like(
    owner_client, worked
):
    body = owner_client.get(report_url(worked)).content.decode()

    table = body[body.index('<table class="table gap-table">') :]
    table = table[: table.index("</table>")]
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]
    # Priority 6, 6, 2; ML pipelines before Monitoring: same priority and level, technical
    # comes before operational.
    assert rows == [
        "1 ML pipelines Technical skills 2 · Working → 4 · Advanced Essential Blocking 6 "
        + statement("ML pipelines", 4),
        "2 Monitoring Operational skills 2 · Working → 4 · Advanced Essential Blocking 6 "
        + statement("Monitoring", 4),
        "3 Communication Soft skills 3 · Practitioner → 4 · Advanced Important 2 "
        + statement("Communication", 4),
    ]


def test_strengths_are_listed_against_the_next_role(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    start = body.index('id="strengths-title"')
    strengths = text_of(body[start : body.index("</section>", start)])
    # Python at 4 where Engineer asks 3; Docker at 3 only meets it.
    assert "Python (Technical skills): you are at 4 · Advanced; asked for 3 · Practitioner" in (
        strengths
    )
    assert "Docker" not in strengths


def test_the_next_role_gets_its_own_charts_when_it_is_not_the_target(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    assert "Your next role: Engineer" in body
    assert 'id="radar-engineer-categories-title"' in body
    assert 'id="dumbbells-engineer"' in body
    assert 'id="dumbbells-senior"' in body


def test_the_target_charts_are_inline_svg_with_the_same_data_in_tables(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    charts = re.findall(r'<svg class="radar-chart"[^>]*>', body)
    assert len(charts) == 2  # per category, for the target and the next role
    # Named by its title, described by its description: each read once.
    for chart in charts:
        slug = re.search(r'aria-labelledby="(radar-[\w-]+)-title"', chart).group(1)
        assert f'role="img" aria-labelledby="{slug}-title" aria-describedby="{slug}-desc"' in chart
    desc = re.search(r'<desc id="radar-senior-categories-desc">(.*?)</desc>', body).group(1)
    # Senior per category: technical (12 + 6) / 24, operational 6/12, soft 6/8, tools 6/6.
    assert "Technical skills 75%; Operational skills 50%; Soft skills 75%; Tools 100%" in desc
    target = text_of(section(body, "target-title"))
    assert "Technical skills 75% 1 of 2" in target
    assert "Operational skills 50% 0 of 1" in target
    assert "Python Technical skills Essential 4 · Advanced 4 · Advanced —" in target
    assert "ML pipelines Technical skills Essential 4 · Advanced 2 · Working 2" in target
    # Per skill, dumbbells by category, the biggest gaps first, with the figures beside them.
    target_html = section(body, "target-title")
    figure = re.search(r'<figure class="dumbbells".*?</figure>', target_html, re.S).group(0)
    rows = [text_of(row) for row in re.findall(r'<li class="dumbbell">(.*?)</li>', figure)]
    assert rows == [
        "ML pipelines you 2, needs 4",
        "Python you 4, needs 4",  # met: folded under the category's short ones
        "Monitoring you 2, needs 4",
        "Communication you 3, needs 4",
        "Docker you 3, needs 3",
    ]
    assert "1 more at or above the required level" in text_of(figure)  # Technical skills
    # Tools has nothing short: its Docker row is folded whole, under no empty scale.
    assert "All 1 at or above the required level" in text_of(figure)
    assert figure.count("dumbbell-scale") == 3
    assert "<script" not in body.split("</head>")[1]


def test_the_report_explains_how_the_score_is_computed(owner_client, worked):
    body = text_of(owner_client.get(report_url(worked)).content.decode())

    assert "How the score is computed" in body
    assert "ready at 90% coverage with no essential skill below its level, close at 75%" in body
    formula = "coverage = Σ importance \N{MULTIPLICATION SIGN} min(rated, required)"
    assert formula in body


def test_the_report_links_its_exports_and_the_progress_page(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    assert reverse("assessments:report_json", args=[worked.pk]) in body
    assert reverse("assessments:report_csv", args=[worked.pk]) in body
    assert reverse("assessments:progress", args=["mini"]) in body
    assert "Save as PDF" in body
    assert "matrix version 1" in body


def test_a_fork_shows_the_roles_of_one_rank_side_by_side(owner_client, owner):
    ladder = make_ladder(skills=6, roles=3, categories=3, publish=False)
    Role.objects.filter(version=ladder, slug="role-3").update(rank=2)
    ladder.publish()
    assessment = AssessmentFactory(user=owner, version=ladder)
    answer_all(assessment, level=1)

    body = owner_client.get(report_url(assessment)).content.decode()

    ladder_html = section(body, "ladder-title")
    rungs = re.findall(r'<li class="rung">(.*?)</li>', ladder_html, re.S)
    assert len(rungs) == 2
    assert "fork: 2 roles" in rungs[1]
    assert "Role 2" in rungs[1] and "Role 3" in rungs[1]


def test_names_from_the_matrix_are_escaped_in_the_charts_and_tables(owner_client, owner):
    # Names come from admins and imported files: the inline SVG must not run them as markup.
    # Short enough that the radar keeps its labels whole.
    attack = "<img src=x onerror=1>"
    ladder = make_ladder(skills=6, roles=2, categories=3, publish=False)
    Role.objects.filter(version=ladder).update(title=attack)
    Category.objects.filter(version=ladder).update(name=attack)
    Skill.objects.filter(version=ladder).update(name=attack)
    ladder.publish()
    assessment = AssessmentFactory(user=owner, version=ladder)
    answer_all(assessment, level=1)
    assessment.submit()

    body = owner_client.get(report_url(assessment)).content.decode()

    assert '<svg class="radar-chart"' in body
    assert attack not in body
    assert "&lt;img src=x onerror=1&gt;" in body


# --- Drafts ----------------------------------------------------------------------------------


def test_a_draft_has_a_report_marked_draft_with_unanswered_skills_as_zero(owner_client, owner):
    draft = worked_example(
        owner, ratings={"python": 4, "ml-pipelines": 2, "monitoring": 2}, submit=False
    )

    response = owner_client.get(report_url(draft))

    body = text_of(response.content.decode())
    assert response.status_code == 200
    assert "Draft — answers may still change." in body
    assert "2 of 5 skills are unanswered and count as 0 in every figure below." in body
    # Junior without communication and docker: (6 + 1) / 15 = 46 %.
    assert "No rung is ready yet; Junior is the first step: 2 gaps, none essential." in body
    assert reverse("assessments:resume", args=[draft.pk]) in response.content.decode()


def test_a_submitted_report_has_no_draft_banner(owner_client, worked):
    body = text_of(owner_client.get(report_url(worked)).content.decode())

    assert "Draft — answers may still change." not in body
    assert "are unanswered and count as 0" not in body
    assert f"submitted {worked.submitted_at:%-d %B %Y}" in body


# --- A newer version of the ladder -----------------------------------------------------------


def test_a_newer_version_is_announced_and_scored_beside_the_pinned_result(owner_client, worked):
    publish_version_2(worked)

    body = owner_client.get(report_url(worked)).content.decode()

    comparison = text_of(section(body, "current-version-title"))
    # Pinned (v1) against current (v2), same answers by skill slug.
    # Junior v2: python 2x3, monitoring 1x1, communication 2x2: 11/11.
    assert "Junior 100% Ready 100% Ready" in comparison
    # Engineer v2: 9 + 6 + 4 + 6 + 0 (Kubernetes unrated) = 25 / 34 = 73.5 %.
    assert "Engineer 91% Close 73% Gap" in comparison
    # Senior v2: 12 + 6 + 6 + 6 = 30 / 44 = 68.2 %.
    assert "Senior your target 72% Gap 68% Gap" in comparison
    assert "New in version 2, unrated here: Kubernetes." in comparison
    assert "No longer in version 2: Docker." in comparison
    assert "Fits you now: Junior on version 1; Junior on version 2." in comparison
    # The pinned result itself does not move.
    assert "You are ready for Junior; Engineer is close: 1 gap, one essential." in text_of(body)
    assert "Version 2 of this ladder has been published since you started." in text_of(body)


def test_without_a_newer_version_there_is_no_comparison(owner_client, worked):
    body = owner_client.get(report_url(worked)).content.decode()

    assert 'id="current-version"' not in body


def test_a_version_published_after_a_view_is_compared_on_the_next(owner_client, worked):
    owner_client.get(report_url(worked))  # the report is kept from here on
    publish_version_2(worked)

    body = owner_client.get(report_url(worked)).content.decode()

    assert "Engineer 91% Close 73% Gap" in text_of(section(body, "current-version-title"))


# --- Charts and sentences, without the database ----------------------------------------------


def test_the_radar_puts_each_value_on_its_spoke():
    chart = charts.radar(
        "chart",
        "title",
        "description",
        [("A", 1.0, 1.0), ("B", 0.5, 1.0), ("C", 0.0, 1.0), ("D", 1.0, 1.0)],
        maximum=1.0,
        rings=[(1.0, "100%")],
    )
    # Radius 150 around (335, 222): A up, B right, C down, D left, clockwise.
    assert (chart.center_x, chart.center_y) == (335, 222)
    assert chart.rated == "335.0,72.0 410.0,222.0 335.0,222.0 185.0,222.0"
    assert chart.required == "335.0,72.0 485.0,222.0 335.0,372.0 185.0,222.0"
    assert [label.anchor for label in chart.labels] == ["middle", "start", "middle", "end"]


def test_the_radar_needs_three_spokes():
    assert charts.radar("c", "t", "d", [("A", 1, 2), ("B", 1, 2)], maximum=5, rings=[]) is None


def pure_matrix(roles: list[tuple[str, int, dict[str, tuple[int, int]]]]) -> Matrix:
    skills = sorted({skill for _, _, requires in roles for skill in requires})
    return Matrix(
        scale=("None", "Awareness", "Working", "Practitioner", "Advanced", "Expert"),
        ready_threshold=Fraction(9, 10),
        close_threshold=Fraction(3, 4),
        categories=(MatrixCategory("c", "C"),),
        skills=tuple(MatrixSkill(slug, slug.title(), "c") for slug in skills),
        roles=tuple(
            MatrixRole(
                slug,
                slug.title(),
                rank,
                tuple(MatrixRequirement(skill, *pair) for skill, pair in requires.items()),
            )
            for slug, rank, requires in roles
        ),
    )


def test_the_summary_names_a_fork_and_the_top_rung():
    matrix = pure_matrix(
        [
            ("base", 1, {"a": (1, 3)}),
            ("left", 2, {"a": (2, 3), "b": (2, 1)}),
            ("right", 2, {"a": (3, 3), "c": (3, 2)}),
        ]
    )

    fork = reports.summary_sentence(score_ratings(matrix, {"a": 2, "b": 1}))
    top = reports.summary_sentence(score_ratings(matrix, {"a": 3, "c": 3}))

    # left: (6 + 1) / 8 = 87.5 % close; right: 6 / 15 = 40 % gap.
    assert fork == (
        "You are ready for Base; the ladder forks next: Left (close, 1 gap, none essential) "
        "or Right (2 gaps, one essential)."
    )
    assert top == "You are ready for Right, the top rung of this ladder."


def test_a_large_role_charts_every_skill_it_requires(owner_client, owner):
    ladder = make_ladder(skills=80, roles=1, categories=4)
    assessment = AssessmentFactory(user=owner, version=ladder)

    body = owner_client.get(report_url(assessment)).content.decode()

    figure = re.search(r'<figure class="dumbbells".*?</figure>', body, re.S).group(0)
    assert figure.count('<li class="dumbbell">') == 80
    assert figure.count('<h4 class="dumbbell-group">') == 4
    assert "not on the chart" not in body


def test_the_persons_evidence_is_beside_the_skill(owner_client, worked):
    Rating.objects.filter(assessment=worked, skill__slug="ml-pipelines").update(
        evidence="Ran the nightly retraining DAG <for a year>."
    )

    body = owner_client.get(report_url(worked)).content.decode()

    note = "Your evidence: Ran the nightly retraining DAG &lt;for a year&gt;."
    # In the next step (its label in markup of its own), and in the gap table and the skill
    # table of both the target and the next role.
    assert text_of(section(body, "next-title")).count("Your evidence:") == 1
    assert body.count(note) == 4
    assert "<for a year>" not in body  # the person's words are text, never markup
    assert "Your evidence" not in text_of(section(body, "ladder-title"))


def test_long_evidence_in_the_next_step_shows_its_start_and_all_of_it_one_disclosure_away(
    owner_client, worked
):
    evidence = "Ran the nightly retraining DAG <for a year>, alone. " * 10
    Rating.objects.filter(assessment=worked, skill__slug="ml-pipelines").update(evidence=evidence)

    next_step = section(owner_client.get(report_url(worked)).content.decode(), "next-title")

    start, whole = folded_evidence(next_step, "evidence-note")
    assert start.startswith("Your evidence: Ran the nightly retraining DAG <for a year>, alone.")
    assert start.endswith("… Read all")
    assert len(start) < 230
    assert html.unescape(text_of(whole)) == evidence.strip()
    assert "<for a year>" not in next_step  # the person's words are text, never markup


def test_long_evidence_in_the_tables_shows_its_start_and_all_of_it_one_disclosure_away(
    owner_client, worked
):
    evidence = "Ran the nightly retraining DAG <script>alert(1)</script> & its alerts. " * 10
    Rating.objects.filter(assessment=worked, skill__slug="ml-pipelines").update(evidence=evidence)

    body = owner_client.get(report_url(worked)).content.decode()

    gaps = body[body.index('<table class="table gap-table">') :]
    skills = body[body.index('aria-labelledby="skills-senior"') :]
    for table in (gaps[: gaps.index("</table>")], skills[: skills.index("</table>")]):
        start, whole = folded_evidence(table, "cell-note evidence-note")
        assert start.startswith("Your evidence: Ran the nightly retraining DAG <script>")
        assert start.endswith("… Read all")
        assert len(start) < 230
        assert html.unescape(text_of(whole)) == evidence.strip()
    # The next step, both roles' gaps and skill tables: folded in each, whole in none.
    assert body.count(" evidence-folded") == 5
    assert '<span class="cell-note evidence-note">' not in body
    assert "<script>alert" not in body  # the person's words are text, never markup


def test_evidence_up_to_the_preview_length_prints_whole_in_the_tables(owner_client, worked):
    short = ("Ran the DAG <for a year> & more. " * 6)[:180]
    long = short + "!"
    Rating.objects.filter(assessment=worked, skill__slug="ml-pipelines").update(evidence=short)
    Rating.objects.filter(assessment=worked, skill__slug="monitoring").update(evidence=long)

    body = owner_client.get(report_url(worked)).content.decode()

    # ML pipelines is a gap of both roles, Monitoring of the target only; both are in both
    # skill tables.
    whole = f'<span class="cell-note evidence-note">Your evidence: {html.escape(short)}</span>'
    assert body.count(whole) == 4
    assert body.count('<details class="cell-note evidence-note evidence-folded">') == 3
    assert "<for a year>" not in body


# --- Who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("submit", [True, False], ids=["submitted", "draft"])
def test_only_the_owner_sees_the_report(owner_client, outsider_client, owner, headers, submit):
    assessment = worked_example(owner, submit=submit)

    mine = owner_client.get(report_url(assessment), headers=headers)
    theirs = outsider_client.get(report_url(assessment), headers=headers)

    assert mine.status_code == 200
    assert "<html" in mine.content.decode()  # the whole page, htmx or not
    assert theirs.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, worked):
    response = client.get(report_url(worked))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_report_only_answers_get(owner_client, worked):
    assert owner_client.post(report_url(worked)).status_code == 405


# --- Query counts ----------------------------------------------------------------------------

# session, user, assessment (with its seeker, track, version, target role, the number of the
# track's newest published version, whether it has reviews and whether its seeker has mentors),
# the scoring matrix (4: categories, skills, roles, requirements), ratings, level statements,
# the learning resources of the plan's gaps. Reviews and mentors add theirs
# (tests/assessments/test_reviewed_report.py).
REPORT_QUERIES = 10
# A newer current version adds itself and its scoring matrix.
REPORT_WITH_NEWER_VERSION_QUERIES = REPORT_QUERIES + 5


@pytest.fixture(params=[(10, 5), (150, 8)], ids=["10-skills", "150-skills"])
def sized(request, owner):
    skills, roles = request.param
    ladder = make_ladder(skills=skills, roles=roles, categories=4)
    assessment = AssessmentFactory(user=owner, version=ladder)
    answer_all(assessment, level=2)
    assessment.submit()
    return assessment


def without_tokens(body: str) -> str:
    """The page without its CSRF tokens, which differ on every request."""
    return re.sub(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', r"\1", body)


def test_the_report_costs_the_same_queries_whatever_the_size(
    owner_client, sized, django_assert_num_queries
):
    with django_assert_num_queries(REPORT_QUERIES):
        response = owner_client.get(report_url(sized))
    assert response.status_code == 200


def test_later_reports_on_the_version_skip_its_matrix_and_statements(
    owner_client, owner, sized, django_assert_num_queries
):
    another = AssessmentFactory(user=owner, version=sized.version)
    answer_all(another, level=1)
    another.submit()
    owner_client.get(report_url(another))

    with django_assert_num_queries(REPORT_QUERIES - 5):
        response = owner_client.get(report_url(sized))
    assert response.status_code == 200
    # Nothing of the other assessment's report: the page a process that kept nothing prints.
    forget_everything()
    fresh = owner_client.get(report_url(sized)).content.decode()
    assert without_tokens(response.content.decode()) == without_tokens(fresh)


def test_a_submitted_report_viewed_again_reads_no_answers_and_prints_the_same(
    owner_client, sized, django_assert_num_queries
):
    first = owner_client.get(report_url(sized)).content.decode()

    # Its answers and score are kept: the matrix, the statements and the answers go.
    with django_assert_num_queries(REPORT_QUERIES - 6):
        again = owner_client.get(report_url(sized)).content.decode()
    assert without_tokens(again) == without_tokens(first)


def test_a_draft_report_reads_its_answers_every_time(
    owner_client, owner, django_assert_num_queries
):
    draft = worked_example(owner, ratings={"python": 4}, submit=False)
    owner_client.get(report_url(draft))
    Rating.objects.filter(assessment=draft, skill__slug="python").update(level=1)

    # The matrix and statements are kept; the answers are read again.
    with django_assert_num_queries(REPORT_QUERIES - 5):
        body = text_of(owner_client.get(report_url(draft)).content.decode())
    assert "4 of 5 skills are unanswered" in body
    assert "Python (Technical skills) Essential 1 · Awareness → 2 · Working" in body


def test_a_newer_version_costs_one_more_matrix(owner_client, worked, django_assert_num_queries):
    publish_version_2(worked)

    with django_assert_num_queries(REPORT_WITH_NEWER_VERSION_QUERIES):
        response = owner_client.get(report_url(worked))
    assert response.status_code == 200
