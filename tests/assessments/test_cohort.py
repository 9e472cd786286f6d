"""A mentor's cohort view (/mentoring/cohort/): mentees x skills, each cell the levels a
mentee's latest submitted assessment is short of their target role, worked out by hand on the
worked example's ladder (docs/scoring.md); sorting, the summary on top, and query counts."""

from __future__ import annotations

import re
from html import unescape

import pytest

from assessments.models import Assessment, Rating
from roles.models import Role
from tests.assessments.conftest import answer_all
from tests.assessments.worked_example import WORKED_RATINGS, text_of, worked_example
from tests.factories import (
    AssessmentFactory,
    UserFactory,
    make_ladder,
    make_mentees,
    make_mentorship,
)

pytestmark = pytest.mark.django_db

COHORT = "/mentoring/cohort/"
SKILLS = ["python", "ml-pipelines", "monitoring", "communication", "docker"]


def assess(user, version, target: str, levels: dict[str, int]) -> Assessment:
    assessment = Assessment.objects.create(
        user=user,
        track=version.track,
        version=version,
        target_role=Role.objects.get(version=version, slug=target),
    )
    skills = dict(version.skills.values_list("slug", "pk"))
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill_id=skills[slug], level=level)
        for slug, level in levels.items()
    )
    assessment.submit()
    return assessment


@pytest.fixture
def cohort(mentor_client, mentor):
    """Four mentees on the worked example's ladder, with their gaps (python, ml-pipelines,
    monitoring, communication, docker) worked out by hand from docs/scoring.md's matrix:
    - alice, the docs' ratings, aiming for Senior: 0 2 2 1 0
    - bob, all 1, aiming for Senior (4 4 4 4 3 required): 3 3 3 3 2
    - carol, all 3, aiming for Engineer (3 3 2 3 3): 0 0 0 0 0
    - dave, all 1, aiming for Junior (2 - 1 2 2; no ML pipelines): 1 · 0 1 1"""
    people = {name: UserFactory(username=name) for name in ("alice", "bob", "carol", "dave")}
    for user in people.values():
        make_mentorship(user, mentor)
    version = worked_example(people["alice"]).version
    assess(people["bob"], version, "senior", dict.fromkeys(SKILLS, 1))
    assess(people["carol"], version, "engineer", dict.fromkeys(SKILLS, 3))
    assess(people["dave"], version, "junior", dict.fromkeys(SKILLS, 1))
    return people


def heat_map(body: str) -> tuple[list[str], dict[str, list[str]]]:
    """(column headers, {mentee: cell texts}) of the heat map, as a reader sees it."""
    table = body[body.index('<table class="cohort-table">') : body.index("</table>")]
    head = table[table.index("<thead>") : table.index("</thead>")]
    columns = [
        unescape(name) for name in re.findall(r'class="cohort-skill".*?">([^<]+)</a></th>', head)
    ]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\".*?</tr>", table, re.S):
        name = re.search(r'">(\w+)</a>', row).group(1)
        rows[name] = [text_of(cell) for cell in re.findall(r"<td.*?</td>", row)]
    return columns, rows


def test_each_cell_is_the_gap_to_the_mentees_target_role(mentor_client, cohort):
    body = mentor_client.get(COHORT).content.decode()

    columns, rows = heat_map(body)
    assert columns == [
        "Python",
        "ML pipelines",
        "Monitoring",
        "Communication",
        "Docker",
    ]
    assert rows == {
        "alice": ["0", "2", "2", "1", "0"],
        "bob": ["3", "3", "3", "3", "2"],
        "carol": ["0", "0", "0", "0", "0"],
        "dave": ["1", "· not required", "0", "1", "1"],
    }


def test_cells_are_coloured_by_class_one_per_gap_size_and_never_by_style(mentor_client, cohort):
    body = mentor_client.get(COHORT).content.decode()

    bob = re.search(r'">bob</a>.*?</tr>', body, re.S).group(0)
    assert re.findall(r'<td class="([\w-]+)">', bob) == ["g3"] * 4 + ["g2"]
    assert "style=" not in body


def test_each_row_names_the_mentee_their_target_and_readiness(mentor_client, cohort):
    text = text_of(mentor_client.get(COHORT).content.decode())

    assert "alice Senior, 72% gap" in text
    assert "carol Engineer, 100% ready" in text


def test_the_skills_most_mentees_lack_come_first(mentor_client, cohort):
    body = mentor_client.get(COHORT).content.decode()

    ol = body[body.index("<ol>") : body.index("</ol>")]
    items = [unescape(text_of(li)) for li in re.findall(r"<li>(.*?)</li>", ol, re.S)]
    # Communication: alice, bob and dave (3 of 4); then 2 each, by total levels short:
    # ML pipelines 5 (of the 3 whose target requires it), Monitoring 5, Python 4, Docker 3.
    assert [re.match(r"(.+?) \(.*?: (\d) of the (\d) mentee", item).groups() for item in items] == [
        ("Communication", "3", "4"),
        ("ML pipelines", "2", "3"),
        ("Monitoring", "2", "4"),
        ("Python", "2", "4"),
        ("Docker", "2", "4"),
    ]
    lacks = " ".join(items)
    assert (
        "Communication (Soft skills): 3 of the 4 mentees whose target role requires it are" in lacks
    )
    assert "1.7 levels short on average" in lacks  # (1 + 3 + 1) / 3


def test_sorting_by_a_skill_puts_the_largest_gap_first(mentor_client, cohort):
    body = mentor_client.get(COHORT + "?sort=ml-pipelines").content.decode()

    _, rows = heat_map(body)
    # Equal gaps keep name order; dave's target does not require it: last.
    assert list(rows) == ["bob", "alice", "carol", "dave"]
    assert re.search(r'aria-sort="descending"><a href="[^"]*sort=ml-pipelines', body)
    assert "Sorted by the gap in ML pipelines, largest first." in text_of(body)


def test_every_column_header_is_a_link_that_sorts_by_it(mentor_client, cohort):
    body = mentor_client.get(COHORT).content.decode()

    for slug in SKILLS:
        assert f'href="?track=mini&amp;sort={slug}#heat-title"' in body
    assert "aria-sort" not in body  # by name until asked


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?sort=cooking", "The skills of this ladder do not include “cooking”."),
        ("?track=knitting", "None of your mentees has a submitted assessment on “knitting”."),
    ],
)
def test_an_unknown_skill_or_ladder_is_refused_with_a_message(
    mentor_client, cohort, query, message
):
    response = mentor_client.get(COHORT + query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_mentees_on_other_ladders_are_one_choice_away(mentor, mentor_client, cohort):
    erin = UserFactory(username="erin")
    make_mentorship(erin, mentor)
    other = make_ladder(skills=3, roles=2, categories=1)
    assessment = AssessmentFactory(user=erin, version=other)
    answer_all(assessment, level=0)
    assessment.submit()

    body = mentor_client.get(COHORT).content.decode()

    assert "Mini MLOps (4)" in text_of(body)  # most of them: the default
    assert f"{other.track.name} (1)" in text_of(body)
    # The owner (whom the mentor persona mentors too) has none at all, erin one elsewhere.
    assert "2 of your 6 mentees have no submitted assessment on this ladder" in text_of(body)
    _, rows = heat_map(mentor_client.get(f"{COHORT}?track={other.track.slug}").content.decode())
    assert list(rows) == ["erin"]


def test_only_the_latest_submitted_assessment_of_current_mentees_counts(
    mentor_client, mentor, cohort
):
    alice = cohort["alice"]
    version = Assessment.objects.filter(user=alice).get().version
    assess(alice, version, "senior", {**WORKED_RATINGS, "ml-pipelines": 4})  # later, better
    AssessmentFactory(user=alice, version=version)  # a draft after it: not shown
    frank = UserFactory(username="frank")
    make_mentorship(frank, mentor, ended=True)
    assess(frank, version, "senior", dict.fromkeys(SKILLS, 0))

    _, rows = heat_map(mentor_client.get(COHORT).content.decode())

    assert rows["alice"] == ["0", "0", "2", "1", "0"]
    assert "frank" not in rows


def test_a_newer_submission_shows_at_once_after_the_view_was_seen(mentor_client, cohort):
    mentor_client.get(COHORT)
    alice = cohort["alice"]
    version = Assessment.objects.filter(user=alice).get().version
    assess(alice, version, "senior", {**WORKED_RATINGS, "ml-pipelines": 4, "monitoring": 4})

    body = mentor_client.get(COHORT).content.decode()

    assert heat_map(body)[1]["alice"] == ["0", "0", "0", "1", "0"]
    ol = body[body.index("<ol>") : body.index("</ol>")]
    items = [unescape(text_of(li)) for li in re.findall(r"<li>(.*?)</li>", ol, re.S)]
    tallies = dict(re.match(r"(.+?) \(.*?: (\d) of the", item).groups() for item in items)
    assert tallies["ML pipelines"] == "1"  # bob only, now
    assert tallies["Monitoring"] == "1"


def test_a_mentor_without_assessed_mentees_is_told_so(stranger_client, mentor_client, owner):
    assert "You mentor nobody yet." in stranger_client.get(COHORT).content.decode()
    assert "None of your mentees has submitted an assessment yet" in text_of(
        mentor_client.get(COHORT).content.decode()
    )


def test_the_heat_map_scrolls_inside_a_labelled_focusable_region(mentor_client, cohort):
    body = mentor_client.get(COHORT).content.decode()

    assert re.search(
        r'<div class="cohort-wrap" role="region" aria-label="[^"]+" tabindex="0">', body
    )


# --- Query counts ------------------------------------------------------------------------------

# session, user, the mentorships (counted), each mentee's latest submitted assessment per
# ladder, their versions, and the scoring matrix of the one version in use (4), which this
# process then keeps (a published version never changes).
COHORT_QUERIES = 9
WARM_COHORT_QUERIES = COHORT_QUERIES - 4


@pytest.fixture
def sized(cohort_size, mentor):
    mentees, skills = cohort_size
    make_mentees(mentor, make_ladder(skills=skills, roles=5, categories=4), mentees)
    return mentees, skills


def test_the_cohort_view_costs_the_same_queries_for_1_or_30_mentees_and_any_size(
    mentor_client, sized, django_assert_num_queries
):
    mentees, skills = sized
    with django_assert_num_queries(COHORT_QUERIES):
        response = mentor_client.get(COHORT + "?sort=skill-3")

    assert response.status_code == 200
    _, rows = heat_map(response.content.decode())
    assert len(rows) == mentees
    assert all(len(cells) == skills for cells in rows.values())
    with django_assert_num_queries(WARM_COHORT_QUERIES):
        again = mentor_client.get(COHORT)
    assert heat_map(again.content.decode())[1].keys() == rows.keys()


def test_assessments_without_a_levels_snapshot_are_read_from_their_ratings(
    mentor_client, cohort, django_assert_num_queries
):
    # Rows written before the snapshot existed, or without submit(): one query more, same map.
    Assessment.objects.update(submitted_levels="")

    with django_assert_num_queries(COHORT_QUERIES + 1):
        body = mentor_client.get(COHORT).content.decode()

    assert heat_map(body)[1]["bob"] == ["3", "3", "3", "3", "2"]
