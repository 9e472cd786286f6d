"""report.json and report.csv: the keys and values scripts rely on, file names, who may
download them, and how many queries each costs."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assessments.models import Assessment, Rating
from tests.assessments.conftest import HTMX
from tests.assessments.worked_example import publish_version_2, worked_example
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db


def json_url(assessment: Assessment) -> str:
    return reverse("assessments:report_json", args=[assessment.pk])


def csv_url(assessment: Assessment) -> str:
    return reverse("assessments:report_csv", args=[assessment.pk])


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def worked(owner):
    return worked_example(owner)


# --- report.json -----------------------------------------------------------------------------


def test_the_json_describes_the_assessment_and_its_ratings(owner_client, worked):
    response = owner_client.get(json_url(worked))

    data = response.json()
    assert response["Content-Type"] == "application/json"
    assert data["assessment"] == {
        "id": str(worked.pk),
        "track": "mini",
        "target_role": "senior",
        "status": "submitted",
        "matrix_version": 1,
        "created_at": worked.created_at.isoformat(),
        "submitted_at": worked.submitted_at.isoformat(),
    }
    assert data["draft"] is False
    assert data["scale"] == ["None", "Awareness", "Working", "Practitioner", "Advanced", "Expert"]
    assert data["ratings"] == [
        {"skill": "python", "category": "technical", "level": 4, "evidence": ""},
        {"skill": "ml-pipelines", "category": "technical", "level": 2, "evidence": ""},
        {"skill": "monitoring", "category": "operational", "level": 2, "evidence": ""},
        {"skill": "communication", "category": "soft-skills", "level": 3, "evidence": ""},
        {"skill": "docker", "category": "tools", "level": 3, "evidence": ""},
    ]
    assert data["unanswered"] == []
    # No mentor review yet (tests/assessments/test_reviewed_report.py has them).
    assert (data["review"], data["reviewed"], data["reviews"]) == (None, None, [])


def test_the_json_scores_every_role_as_the_docs_work_it_out(owner_client, worked):
    data = owner_client.get(json_url(worked)).json()

    roles = {role["slug"]: role for role in data["roles"]}
    assert [role["slug"] for role in data["roles"]] == ["junior", "engineer", "senior"]
    assert {slug: (r["coverage"], r["verdict"]) for slug, r in roles.items()} == {
        "junior": (1.0, "ready"),
        "engineer": (0.9118, "close"),  # 31/34, rounded to 4 places
        "senior": (0.72, "gap"),  # 36/50
    }
    assert roles["engineer"]["blocking"] == ["ml-pipelines"]
    assert roles["senior"]["blocking"] == ["ml-pipelines", "monitoring"]
    assert roles["senior"]["title"] == "Senior"
    assert roles["senior"]["rank"] == 3
    assert roles["senior"]["gaps"] == [
        {
            "skill": "ml-pipelines",
            "category": "technical",
            "required": 4,
            "rated": 2,
            "gap": 2,
            "importance": 3,
            "priority": 6,
        },
        {
            "skill": "monitoring",
            "category": "operational",
            "required": 4,
            "rated": 2,
            "gap": 2,
            "importance": 3,
            "priority": 6,
        },
        {
            "skill": "communication",
            "category": "soft-skills",
            "required": 4,
            "rated": 3,
            "gap": 1,
            "importance": 2,
            "priority": 2,
        },
    ]
    assert data["current_fit"] == "junior"
    assert data["next_roles"] == ["engineer"]
    assert [(step["role"], step["coverage"], step["verdict"]) for step in data["path"]] == [
        ("engineer", 0.9118, "close"),
        ("senior", 0.72, "gap"),
    ]
    assert data["strengths"] == [
        {"skill": "python", "category": "technical", "rated": 4, "required": 3}
    ]


def test_the_json_of_a_draft_says_so_and_counts_unanswered_as_zero(owner_client, owner):
    draft = worked_example(owner, ratings={"python": 4, "docker": 1}, submit=False)

    data = owner_client.get(json_url(draft)).json()

    assert data["draft"] is True
    assert data["assessment"]["status"] == "draft"
    assert data["assessment"]["submitted_at"] is None
    assert data["unanswered"] == ["ml-pipelines", "monitoring", "communication"]
    junior = data["roles"][0]
    # Junior: python 2x3 met (6), monitoring 0, communication 0, docker 1x2: 8/15.
    assert junior["coverage"] == 0.5333
    assert [gap["skill"] for gap in junior["gaps"]] == ["communication", "docker", "monitoring"]


def test_the_json_keeps_the_pinned_result_when_a_newer_version_exists(owner_client, worked):
    publish_version_2(worked)

    data = owner_client.get(json_url(worked)).json()

    assert data["assessment"]["matrix_version"] == 1
    assert [role["coverage"] for role in data["roles"]] == [1.0, 0.9118, 0.72]


# --- report.csv ------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_role_and_required_skill(owner_client, worked):
    response = owner_client.get(csv_url(worked))

    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert list(rows[0]) == [
        "role",
        "role_title",
        "rank",
        "category",
        "skill",
        "skill_name",
        "rated",
        "required",
        "gap",
        "importance",
        "priority",
        "role_coverage",
        "role_verdict",
        "mentor_level",
        "mentor_comment",
        "evidence",
    ]
    # Junior requires 4 skills, Engineer 5, Senior 5.
    assert len(rows) == 14
    assert [(row["role"], row["skill"]) for row in rows[:4]] == [
        ("junior", "python"),
        ("junior", "monitoring"),
        ("junior", "communication"),
        ("junior", "docker"),
    ]
    senior = {row["skill"]: row for row in rows if row["role"] == "senior"}
    assert senior["ml-pipelines"] == {
        "role": "senior",
        "role_title": "Senior",
        "rank": "3",
        "category": "technical",
        "skill": "ml-pipelines",
        "skill_name": "ML pipelines",
        "rated": "2",
        "required": "4",
        "gap": "2",
        "importance": "3",
        "priority": "6",
        "role_coverage": "0.72",
        "role_verdict": "gap",
        "mentor_level": "",
        "mentor_comment": "",
        "evidence": "",
    }
    engineer_python = next(r for r in rows if r["role"] == "engineer" and r["skill"] == "python")
    # Above the requirement: the rating as given, no gap.
    assert (engineer_python["rated"], engineer_python["required"]) == ("4", "3")
    assert (engineer_python["gap"], engineer_python["priority"]) == ("0", "0")
    assert engineer_python["role_coverage"] == "0.9118"
    assert engineer_python["role_verdict"] == "close"


def test_the_csv_keeps_a_name_from_running_as_a_spreadsheet_formula(owner_client, worked):
    ladder = make_ladder(skills=3, roles=1, categories=1, publish=False)
    ladder.skills.filter(slug="skill-0").update(name="=HYPERLINK(1)")
    ladder.publish()
    assessment = AssessmentFactory(user=worked.user, version=ladder)

    rows = csv_rows(owner_client.get(csv_url(assessment)))

    assert rows[0]["skill_name"] == "'=HYPERLINK(1)"


def test_the_csv_has_the_evidence_beside_each_skill_kept_from_running_as_a_formula(
    owner_client, worked
):
    notes = {
        "python": 'Shipped the scoring service,\nwith "tests".',
        "docker": '=HYPERLINK("https://example.com")',
        "monitoring": "-1 alert a week",
    }
    for slug, note in notes.items():
        Rating.objects.filter(assessment=worked, skill__slug=slug).update(evidence=note)

    rows = csv_rows(owner_client.get(csv_url(worked)))

    evidence = {(row["role"], row["skill"]): row["evidence"] for row in rows}
    # On every role's row of the skill, line breaks and quotes as typed.
    assert evidence[("junior", "python")] == notes["python"]
    assert evidence[("senior", "python")] == notes["python"]
    assert evidence[("engineer", "docker")] == "'" + notes["docker"]
    assert evidence[("senior", "monitoring")] == "'-1 alert a week"
    assert evidence[("senior", "ml-pipelines")] == ""


# --- File names ------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "extension"), [(json_url, "json"), (csv_url, "csv")])
def test_exports_download_with_a_readable_file_name(owner_client, worked, url, extension):
    response = owner_client.get(url(worked))

    day = f"{worked.submitted_at:%Y-%m-%d}"
    assert response["Content-Disposition"] == (
        f'attachment; filename="careerfit-mini-{day}-report.{extension}"'
    )


# --- Who may download ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [json_url, csv_url], ids=["json", "csv"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("submit", [True, False], ids=["submitted", "draft"])
def test_only_the_owner_downloads(owner_client, outsider_client, owner, url, headers, submit):
    assessment = worked_example(owner, submit=submit)

    assert owner_client.get(url(assessment), headers=headers).status_code == 200
    response = outsider_client.get(url(assessment), headers=headers)
    assert response.status_code == 404
    assert b"python" not in response.content


@pytest.mark.parametrize("url", [json_url, csv_url], ids=["json", "csv"])
def test_anonymous_visitors_are_sent_to_log_in(client, worked, url):
    response = client.get(url(worked))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


# --- Query counts ----------------------------------------------------------------------------

# session, user, assessment (with its seeker, track, version, target role, and whether it has
# reviews: without, none are read), the scoring matrix (4), ratings.
EXPORT_QUERIES = 8
# A draft: no mentor sees it, so there are no reviews to read either.
DRAFT_EXPORT_QUERIES = EXPORT_QUERIES


@pytest.mark.parametrize("url", [json_url, csv_url], ids=["json", "csv"])
def test_an_export_costs_the_same_queries_whatever_the_size(
    owner_client, sized, url, django_assert_num_queries
):
    sized.submit()
    with django_assert_num_queries(EXPORT_QUERIES):
        response = owner_client.get(url(sized))
    assert response.status_code == 200


@pytest.mark.parametrize("url", [json_url, csv_url], ids=["json", "csv"])
def test_an_export_of_a_draft_costs_the_same_queries_whatever_the_size(
    owner_client, sized, url, django_assert_num_queries
):
    with django_assert_num_queries(DRAFT_EXPORT_QUERIES):
        response = owner_client.get(url(sized))
    assert response.status_code == 200
