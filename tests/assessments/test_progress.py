"""My progress on a track: every assessment over time, coverage per rung, what rose or fell,
where matrix versions differ, who may see it, and how many queries it costs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.kept import forget_everything
from assessments.models import Assessment, Rating
from tests.assessments.conftest import HTMX, answer_all
from tests.assessments.worked_example import (
    WORKED_RATINGS,
    publish_version_2,
    section,
    text_of,
    worked_example,
)
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db


def progress_url(track_slug: str) -> str:
    return reverse("assessments:progress", args=[track_slug])


def again(first: Assessment, *, ratings: dict[str, int], days_later: int, submit=True):
    """Another assessment of the same person on the track's current version."""
    version = first.track.current_version()
    assessment = Assessment.objects.create(
        user=first.user,
        track=first.track,
        version=version,
        target_role=version.roles.get(slug=first.target_role.slug),
    )
    skills = {skill.slug: skill for skill in version.skills.all()}
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skills[slug], level=level)
        for slug, level in ratings.items()
        if slug in skills
    )
    moment = first.submitted_at + timedelta(days=days_later)
    if submit:
        assessment.submit()
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=moment - timedelta(hours=1), submitted_at=moment
        )
    else:
        Assessment.objects.filter(pk=assessment.pk).update(created_at=moment)
    return assessment


@pytest.fixture
def first(owner):
    assessment = worked_example(owner)
    moment = timezone.now() - timedelta(days=90)
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=moment - timedelta(hours=1), submitted_at=moment
    )
    assessment.refresh_from_db()
    return assessment


def test_it_lists_every_assessment_of_mine_on_the_track_with_drafts_marked(
    owner_client, owner, first, stranger
):
    later = again(first, ratings={**WORKED_RATINGS, "ml-pipelines": 3}, days_later=30)
    draft = again(first, ratings={"python": 1}, days_later=40, submit=False)
    theirs = Assessment.objects.create(
        user=stranger, track=first.track, version=first.version, target_role=first.target_role
    )
    elsewhere = AssessmentFactory(user=owner)

    body = owner_client.get(progress_url("mini")).content.decode()

    listed = section(body, "assessments-title")
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", listed, re.S)[1:]]
    assert len(rows) == 3
    assert rows[0].endswith("Submitted 1 Senior 72% Gap Junior")
    # ML pipelines at 3: Engineer 34/34, ready; Senior 39/50 = 78 %, close.
    assert rows[1].endswith("Submitted 1 Senior 78% Close Engineer")
    assert "Draft" in rows[2]
    for assessment in (first, later, draft):
        assert reverse("assessments:report", args=[assessment.pk]) in listed
    assert str(theirs.pk) not in body
    assert str(elsewhere.pk) not in body


def test_it_charts_and_tables_the_coverage_of_each_rung_over_time(owner_client, first):
    again(first, ratings={**WORKED_RATINGS, "ml-pipelines": 3}, days_later=30)
    again(first, ratings={**WORKED_RATINGS, "ml-pipelines": 4, "monitoring": 3}, days_later=60)
    again(first, ratings={"python": 0}, days_later=70, submit=False)  # drafts stay out

    body = owner_client.get(progress_url("mini")).content.decode()

    trend = section(body, "trend-heading")
    chart = re.search(r'<svg class="line-chart".*?</svg>', trend, re.S).group(0)
    # Named by its title, described by its description: each read once.
    assert 'role="img" aria-labelledby="trend-title" aria-describedby="trend-desc"' in chart
    assert re.findall(r'class="series-label"[^>]*>([^<]+)<', chart) == [
        "Junior",
        "Engineer",
        "Senior",
    ]
    assert chart.count("<circle") == 9  # three roles, three submitted assessments
    table = trend[trend.index('<table class="table trend-table">') :]
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert re.fullmatch(r"Role( \d+ \w+ \d{4} v1){3}", rows[0])
    # A row per rung, a column per submission. Senior: 36/50, then 39/50, then
    # (12 + 12 + 9 + 6 + 6) / 50 = 90 % but monitoring blocks.
    assert rows[1] == "Junior 100% Ready 100% Ready 100% Ready"
    assert rows[2] == "Engineer 91% Close 100% Ready 100% Ready"
    assert rows[3] == "Senior 72% Gap 78% Close 90% Close"
    assert len(rows) == 4
    # Tables wider than a phone scroll in a frame that takes focus and has a name.
    assert 'class="table-wrap" role="region" aria-labelledby="trend-caption" tabindex="0"' in trend


def test_it_lists_what_rose_and_fell_since_the_assessment_before(owner_client, first):
    again(first, ratings={**WORKED_RATINGS, "ml-pipelines": 4, "docker": 1}, days_later=30)

    body = owner_client.get(progress_url("mini")).content.decode()

    moved = text_of(section(body, "moved-title"))
    assert "1 rose, 1 fell, 3 unchanged" in moved
    assert "ML pipelines: 2 · Working → 4 · Advanced (+2)" in moved
    assert "Docker: 3 · Practitioner → 1 · Awareness (-2)" in moved


def test_assessments_on_different_versions_compare_by_skill_and_say_what_differs(
    owner_client, first
):
    publish_version_2(first)
    again(first, ratings={**WORKED_RATINGS, "kubernetes": 2, "python": 5}, days_later=30)

    body = owner_client.get(progress_url("mini")).content.decode()

    trend = text_of(section(body, "trend-heading"))
    assert "pinned to different versions of the ladder (1, 2)" in trend
    # Junior on v2 has no Docker requirement: still 100 %.
    assert re.search(r"Role \d+ \w+ \d{4} v1 \d+ \w+ \d{4} v2 Junior 100% Ready 100% Ready", trend)
    moved = text_of(section(body, "moved-title"))
    assert "Version 1 then version 2: skills are compared one by one." in moved
    assert "Added in version 2 (no earlier rating): Kubernetes (2 · Working)." in moved
    assert "Removed in version 2: Docker (was 3 · Practitioner)." in moved
    assert "Python: 4 · Advanced → 5 · Expert (+1)" in moved
    assert "1 rose, 0 fell, 3 unchanged" in moved


def test_a_track_without_assessments_of_mine_invites_me_to_start(owner_client, stranger):
    theirs = worked_example(stranger)

    body = owner_client.get(progress_url("mini")).content.decode()

    assert "You have no assessments on this ladder yet." in body
    assert str(theirs.pk) not in body
    assert "Senior" not in body


def test_a_single_submission_has_a_table_but_no_line_yet(owner_client, first):
    body = owner_client.get(progress_url("mini")).content.decode()

    assert "One submitted assessment so far" in body
    assert '<svg class="line-chart"' not in body
    assert "Junior 100% Ready Engineer 91% Close Senior 72% Gap" in text_of(body)


# --- Who may see it --------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_unknown_track_is_not_found(owner_client, headers):
    assert owner_client.get(progress_url("no-such-track"), headers=headers).status_code == 404


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_stranger_sees_only_their_own_assessments(stranger_client, first, headers):
    response = stranger_client.get(progress_url("mini"), headers=headers)

    assert response.status_code == 200
    assert str(first.pk) not in response.content.decode()
    assert "You have no assessments on this ladder yet." in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, first):
    response = client.get(progress_url("mini"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_the_list_of_my_assessments_links_progress_and_reports(owner_client, first):
    draft = again(first, ratings={"python": 1}, days_later=10, submit=False)

    body = owner_client.get(reverse("assessments:list")).content.decode()

    assert progress_url("mini") in body
    assert reverse("assessments:report", args=[draft.pk]) in body


# --- Query counts ----------------------------------------------------------------------------

# session, user, track, the assessments (with version and target role), the answers of the
# drafts among them (none asked for without drafts), and the scoring matrices (4) of all the
# versions this process has not built yet: more assessments, skills or versions cost nothing
# more; a matrix once built costs nothing.
PROGRESS_QUERIES = 9
MATRICES = 4
DRAFT_ANSWERS = 1
SUBMITTED_ONLY = PROGRESS_QUERIES - DRAFT_ANSWERS


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize(("skills", "roles"), [(10, 5), (150, 8)], ids=["10-skills", "150-skills"])
def test_the_progress_page_costs_the_same_queries_whatever_the_history(
    owner_client, owner, count, skills, roles, django_assert_num_queries
):
    ladder = make_ladder(skills=skills, roles=roles, categories=4)
    for number in range(count):
        assessment = AssessmentFactory(user=owner, version=ladder)
        answer_all(assessment, level=number % 6)
        assessment.submit()

    with django_assert_num_queries(SUBMITTED_ONLY):
        response = owner_client.get(progress_url(ladder.track.slug))
    assert response.status_code == 200
    assert response.content.decode().count("<circle") == roles * count
    with django_assert_num_queries(SUBMITTED_ONLY - MATRICES):
        owner_client.get(progress_url(ladder.track.slug))
    # A draft started since costs the one query for its answers, whatever their number.
    AssessmentFactory(user=owner, version=ladder)
    with django_assert_num_queries(PROGRESS_QUERIES - MATRICES):
        owner_client.get(progress_url(ladder.track.slug))


def test_versions_in_use_cost_no_more_queries(owner_client, first, django_assert_num_queries):
    publish_version_2(first)
    again(first, ratings={**WORKED_RATINGS, "kubernetes": 1}, days_later=30)
    again(first, ratings={**WORKED_RATINGS, "kubernetes": 2}, days_later=60)
    again(first, ratings={"python": 1}, days_later=70, submit=False)

    with django_assert_num_queries(PROGRESS_QUERIES):
        response = owner_client.get(progress_url("mini"))
    assert response.status_code == 200


# --- A long history --------------------------------------------------------------------------


def long_history(owner, count: int):
    """`count` submitted assessments a week apart on a fresh ladder, Python rising by one at
    each of the first five: the first and the latest differ, the pairs in between too."""
    ladder = make_ladder(skills=6, roles=3, categories=2)
    skills = list(ladder.skills.all())
    start = timezone.now() - timedelta(days=7 * count)
    made = []
    for number in range(count):
        assessment = AssessmentFactory(user=owner, version=ladder)
        Rating.objects.bulk_create(
            Rating(assessment=assessment, skill=skill, level=min(number, 5) if i == 0 else 1)
            for i, skill in enumerate(skills)
        )
        assessment.submit()
        moment = start + timedelta(days=7 * number)
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=moment - timedelta(hours=1), submitted_at=moment
        )
        made.append(assessment)
    return ladder, made


def pair_links(moved: str) -> list[tuple[str, str]]:
    """(assessment id, label) of each pair listed as a link, in order."""
    return re.findall(
        r'<li><a href="\?compare=([0-9a-f-]+)[^"]*#moved-title"[^>]*>([^<]+)</a>', moved
    )


def test_a_long_history_writes_out_the_latest_pair_and_counts_the_rest(owner_client, owner):
    ladder, made = long_history(owner, 12)

    body = owner_client.get(progress_url(ladder.track.slug)).content.decode()

    moved = section(body, "moved-title")
    summaries = [text_of(s) for s in re.findall(r"<summary>(.*?)</summary>", moved, re.S)]
    assert len(summaries) == 1
    assert summaries[0].endswith("0 rose, 0 fell, 6 unchanged")  # the latest pair
    assert '<details class="card" open>' in moved
    # The first against the latest in one line of counts.
    assert re.search(
        r"Since your first assessment: \d+ \w+ \d{4} against your first, \d+ \w+ \d{4}: "
        r"1 rose, 0 fell, 5 unchanged\.",
        text_of(moved),
    )
    # The latest five pairs in a line each, latest first, links that work without JavaScript;
    # the others one link away.
    pairs = pair_links(moved)
    assert [key for key, _ in pairs] == [str(a.pk) for a in reversed(made[-5:])]
    assert "The latest 5 of 11." in text_of(moved)
    assert '<a href="?pairs=all#pairs-title">Show all 11 pairs</a>' in moved
    # The tables keep to the latest few; the chart spans every submission.
    listed = section(body, "assessments-title")
    assert len(re.findall(r"<tr>", listed)) == 1 + 6
    assert "These are your latest 6 of 12" in text_of(listed)
    trend = section(body, "trend-heading")
    assert "The table shows your first assessment and your latest 5; the chart shows all 12" in (
        text_of(trend)
    )
    assert len(re.findall(r'<th scope="col"><time', trend)) == 6
    assert trend.count('class="series-label"') == 3


def test_every_pair_is_listed_on_request(owner_client, owner):
    ladder, made = long_history(owner, 12)

    url = progress_url(ladder.track.slug)
    moved = section(owner_client.get(url, {"pairs": "all"}).content.decode(), "moved-title")

    pairs = pair_links(moved)
    assert [key for key, _ in pairs] == [str(a.pk) for a in reversed(made[1:])]
    assert pairs[-1][1].endswith("1 rose, 0 fell, 5 unchanged")
    # Choosing one keeps the whole list.
    assert f'href="?compare={made[1].pk}&amp;pairs=all#moved-title"' in moved
    assert '<a href="?#pairs-title">Show only the latest 5</a>' in moved


def test_compare_writes_out_the_pair_asked_for(owner_client, owner):
    ladder, made = long_history(owner, 12)

    url = progress_url(ladder.track.slug)
    body = owner_client.get(url, {"compare": str(made[3].pk), "pairs": "all"}).content.decode()

    moved = section(body, "moved-title")
    summaries = [text_of(s) for s in re.findall(r"<summary>(.*?)</summary>", moved, re.S)]
    assert len(summaries) == 1
    assert summaries[0].endswith("1 rose, 0 fell, 5 unchanged")
    assert re.search(r"Skill 0: 2 · \w+ → 3 · \w+ \(\+1\)", text_of(moved))
    assert f'href="?compare={made[3].pk}&amp;pairs=all#moved-title" aria-current="true"' in moved
    assert f'<a href="?compare={made[3].pk}#pairs-title">Show only the latest 5</a>' in moved


def test_the_level_names_in_the_changes_are_escaped(owner_client, owner):
    scale = ["None", "<i>Aware</i> & more", "Working", "Practitioner"]
    ladder = make_ladder(skills=1, roles=1, categories=1, scale=scale)
    for level in (0, 1):
        assessment = AssessmentFactory(user=owner, version=ladder)
        Rating.objects.create(assessment=assessment, skill=ladder.skills.get(), level=level)
        assessment.submit()

    body = owner_client.get(progress_url(ladder.track.slug)).content.decode()

    assert "→ <strong>1 · &lt;i&gt;Aware&lt;/i&gt; &amp; more</strong>" in section(
        body, "moved-title"
    )


def test_the_role_titles_in_the_chart_are_escaped(owner_client, owner):
    ladder = make_ladder(skills=1, roles=1, categories=1, publish=False)
    ladder.roles.update(title="<i>Lead</i> & more")
    ladder.publish()
    for level in (1, 2):
        assessment = AssessmentFactory(user=owner, version=ladder)
        Rating.objects.create(assessment=assessment, skill=ladder.skills.get(), level=level)
        assessment.submit()

    body = owner_client.get(progress_url(ladder.track.slug)).content.decode()

    chart = re.search(r'<svg class="line-chart".*?</svg>', body, re.S).group(0)
    assert "<i>" not in chart
    assert 'dominant-baseline="middle">&lt;i&gt;Lead&lt;/i&gt; &amp; more</text>' in chart
    assert "<title>&lt;i&gt;Lead&lt;/i&gt; &amp; more: " in chart


@pytest.mark.parametrize("compare", ["nonsense", "", "00000000-0000-0000-0000-000000000000"])
def test_compare_with_an_unknown_pair_shows_the_usual_page(owner_client, owner, compare):
    ladder, _ = long_history(owner, 4)

    response = owner_client.get(progress_url(ladder.track.slug), {"compare": compare})

    assert response.status_code == 200
    moved = section(response.content.decode(), "moved-title")
    assert len(re.findall(r"<summary>", moved)) == 1
    assert 'aria-current="true"' not in moved


def test_compare_never_shows_someone_elses_assessment(owner_client, first, stranger):
    again(first, ratings={**WORKED_RATINGS, "ml-pipelines": 3}, days_later=30)
    theirs = Assessment.objects.create(
        user=stranger, track=first.track, version=first.version, target_role=first.target_role
    )
    answer_all(theirs)
    theirs.submit()

    response = owner_client.get(progress_url("mini"), {"compare": str(theirs.pk)})

    assert response.status_code == 200
    assert str(theirs.pk) not in response.content.decode()


def test_the_progress_page_costs_the_same_queries_for_1_or_50_assessments(
    owner_client, owner, django_assert_num_queries
):
    ladder, _ = long_history(owner, 1)
    url = progress_url(ladder.track.slug)
    with django_assert_num_queries(SUBMITTED_ONLY):
        owner_client.get(url)
    with django_assert_num_queries(SUBMITTED_ONLY - MATRICES):
        owner_client.get(url)
    for _ in range(49):
        assessment = AssessmentFactory(user=owner, version=ladder)
        answer_all(assessment)
        assessment.submit()
    forget_everything()

    with django_assert_num_queries(SUBMITTED_ONLY):
        response = owner_client.get(url)
    assert response.content.decode().count('class="series-label"') == 3
    with django_assert_num_queries(SUBMITTED_ONLY - MATRICES):
        owner_client.get(url)
