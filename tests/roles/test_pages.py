"""Public ladder pages: home, every ladder, one ladder, one role."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from roles.models import DeclaredDrop, Requirement, Role
from roles.templatetags.ladders import experience, salary
from tests.factories import (
    CategoryFactory,
    MatrixVersionFactory,
    RequirementFactory,
    RoleFactory,
    SkillFactory,
    TrackFactory,
    make_ladder,
)

pytestmark = pytest.mark.django_db

ESSENTIAL, IMPORTANT, NICE = 3, 2, 1
DASH = "\u2013"  # the en dash of ranges: "$1 - $2", "0-3 years"


@pytest.fixture
def mlops():
    """A hand-built three-rung ladder whose differences between rungs are known."""
    track = TrackFactory(slug="mlops", name="MLOps Engineering", description="From junior up.")
    version = MatrixVersionFactory(track=track, number=1)
    technical = CategoryFactory(version=version, slug="technical", name="Technical", position=0)
    soft = CategoryFactory(version=version, slug="soft", name="Soft skills", position=1)
    skills = {
        slug: SkillFactory(version=version, category=category, slug=slug, name=name, position=i)
        for i, (slug, name, category) in enumerate(
            [
                ("python", "Python", technical),
                ("docker", "Docker", technical),
                ("kubernetes", "Kubernetes", technical),
                ("sql", "SQL", technical),
                ("communication", "Communication", soft),
            ]
        )
    }
    junior = RoleFactory(
        version=version,
        slug="junior-mlops-engineer",
        title="Junior MLOps Engineer",
        rank=1,
        experience_min=0,
        experience_max=2,
    )
    engineer = RoleFactory(
        version=version,
        slug="mlops-engineer",
        title="MLOps Engineer",
        rank=2,
        salary_min=131158,
        salary_max=200000,
        salary_currency="USD",
        salary_year=2024,
        salary_source="AiPathly MLOps career guide",
        experience_min=0,
        experience_max=3,
    )
    lead = RoleFactory(
        version=version,
        slug="mlops-team-lead",
        title="MLOps Team Lead",
        rank=3,
        salary_average=137700,
        salary_currency="USD",
        salary_year=2024,
        salary_source="AiPathly MLOps career guide",
        experience_min=7,
    )
    for role, requires in [
        (
            junior,
            {"python": (2, ESSENTIAL), "docker": (1, IMPORTANT), "sql": (2, NICE)}
            | {"communication": (2, IMPORTANT)},
        ),
        (
            # python rises; docker rises and becomes essential; kubernetes is new;
            # communication stays; sql is dropped.
            engineer,
            {"python": (3, ESSENTIAL), "docker": (2, ESSENTIAL), "kubernetes": (2, IMPORTANT)}
            | {"communication": (2, IMPORTANT)},
        ),
        (lead, {"python": (3, ESSENTIAL), "communication": (4, ESSENTIAL)}),
    ]:
        for slug, (level, importance) in requires.items():
            RequirementFactory(role=role, skill=skills[slug], level=level, importance=importance)
    for slug in ("kubernetes", "docker"):
        DeclaredDrop.objects.create(
            role=lead, skill=skills[slug], reason="a lead relies on the team for these"
        )
    version.publish()
    return version


def _section(html: str, heading: str) -> str:
    """The HTML from a heading up to the end of the list that follows it."""
    start = html.index(heading)
    return html[start : html.index("</ul>", start)]


def _text(html: str) -> str:
    """Roughly what a reader sees: inline tags vanish, block tags separate words."""
    html = re.sub(r"</?(?:a|strong|span|time|small)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _in_order(html: str, *texts: str) -> bool:
    positions = [html.index(text) for text in texts]
    return positions == sorted(positions)


# ---------- Home ----------


def test_home_says_what_it_does_and_leads_anonymous_visitors_to_sign_up(client, mlops):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html
    assert "How it works" in html
    assert _in_order(
        html,
        "Rate yourself against behaviour statements",
        "See your coverage of every rung",
        "Get your gaps ranked",
    )
    assert "Job seekers" in html and "Mentors" in html and "Teams" in html
    assert reverse("roles:track_detail", args=["mlops"]) in html
    assert f'href="{reverse("signup")}"' in html
    assert "Start an assessment" in html


def test_home_start_leads_a_signed_in_user_to_the_start_form(owner_client, mlops):
    html = owner_client.get("/").content.decode()
    assert f'class="button" href="{reverse("assessments:new")}"' in html


def test_home_lists_only_tracks_with_a_published_version(client, mlops):
    MatrixVersionFactory(track=TrackFactory(slug="secret", name="Secret Draft Track"))
    html = client.get("/").content.decode()
    assert "MLOps Engineering" in html
    assert "Secret Draft Track" not in html


# ---------- Every ladder ----------


def test_track_list_shows_counts_and_rungs_in_order(client, mlops):
    response = client.get(reverse("roles:track_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "MLOps Engineering" in html and "From junior up." in html
    assert "3 roles · 5 skills" in html
    assert _in_order(html, "Junior MLOps Engineer", "MLOps Engineer<", "MLOps Team Lead")
    assert reverse("roles:role_detail", args=["mlops", "mlops-team-lead"]) in html


def test_track_list_never_shows_a_draft(client, mlops):
    MatrixVersionFactory(track=TrackFactory(name="Secret Draft Track"))
    draft = mlops.track.start_draft()
    draft.roles.filter(slug="mlops-team-lead").update(title="Renamed In Draft")
    html = client.get(reverse("roles:track_list")).content.decode()
    assert "Secret Draft Track" not in html
    assert "Renamed In Draft" not in html
    assert "3 roles · 5 skills" in html


# ---------- One ladder ----------


def test_track_detail_shows_rungs_in_rank_order_with_facts(client, mlops):
    response = client.get(reverse("roles:track_detail", args=["mlops"]))
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert _in_order(html, "Junior MLOps Engineer", "MLOps Engineer<", "MLOps Team Lead")
    assert f"$131,158 {DASH} $200,000 (USD, 2024)" in text
    assert "average $137,700 (USD, 2024)" in text
    assert "No salary figure in the source" in text
    assert "Salary source: AiPathly MLOps career guide" in text
    assert f"0{DASH}2 years" in text and f"0{DASH}3 years" in text and "7+ years" in text
    assert "4 skills, 2 essential" in text  # the engineer
    assert "2 skills, 2 essential" in text  # the lead


def test_track_detail_shows_categories_scale_and_version(client, mlops):
    text = _text(client.get(reverse("roles:track_detail", args=["mlops"])).content.decode())
    assert "Technical 4" in text and "Soft skills 1" in text
    assert text.index("Technical 4") < text.index("Soft skills 1")
    assert "0 None 1 Awareness 2 Working 3 Practitioner 4 Advanced 5 Expert" in text
    assert f"Version 1, published {mlops.published_at:%-d %B %Y}" in text


def test_track_detail_shows_roles_sharing_a_rank_side_by_side(client):
    version = MatrixVersionFactory()
    RoleFactory(version=version, slug="engineer", title="Engineer", rank=1)
    RoleFactory(version=version, slug="tech-lead", title="Tech Lead", rank=2, position=0)
    RoleFactory(version=version, slug="manager", title="Manager", rank=2, position=1)
    version.publish()
    html = client.get(reverse("roles:track_detail", args=[version.track.slug])).content.decode()
    rungs = re.findall(r'<li class="rung">(.*?)</li>', html, flags=re.S)
    assert len(rungs) == 2
    assert "Tech Lead" in rungs[1] and "Manager" in rungs[1]
    assert "fork: 2 roles" in rungs[1]


def test_track_detail_shows_the_current_version_not_a_newer_draft(client, mlops):
    draft = mlops.track.start_draft()
    draft.roles.filter(slug="mlops-engineer").update(title="Renamed In Draft")
    html = client.get(reverse("roles:track_detail", args=["mlops"])).content.decode()
    assert "Renamed In Draft" not in html
    assert "Version 1," in html


# ---------- One role ----------


def test_role_detail_groups_requirements_by_category_in_order(client, mlops):
    url = reverse("roles:role_detail", args=["mlops", "mlops-engineer"])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    requirements = html[html.index('id="requirements-title"') : html.index('id="changes-title"')]
    assert _in_order(requirements, "Technical", "Python", "Docker", "Kubernetes", "Soft skills")
    assert _in_order(requirements, "Soft skills", "Communication")
    assert "SQL" not in requirements
    text = _text(requirements)
    assert "Python Python at level 3. 3 · Practitioner Essential" in text
    assert "Kubernetes Kubernetes at level 2. 2 · Working Important" in text
    assert '<th scope="row">' in requirements


def test_role_detail_shows_salary_experience_and_counts(client, mlops):
    text = _text(
        client.get(reverse("roles:role_detail", args=["mlops", "mlops-engineer"])).content.decode()
    )
    assert f"Salary $131,158 {DASH} $200,000 (USD, 2024)" in text
    assert f"Experience 0{DASH}3 years" in text
    assert "Requirements 4 skills, 2 essential" in text
    assert "Rung 2 of the MLOps Engineering ladder" in text


def test_role_detail_lists_what_changes_from_the_rung_below(client, mlops):
    html = client.get(
        reverse("roles:role_detail", args=["mlops", "mlops-engineer"])
    ).content.decode()
    changes = html[html.index('id="changes-title"') :]
    assert "Junior MLOps Engineer" in _text(changes[: changes.index("</h3>")])
    new = _text(_section(changes, "New at this rung"))
    assert "Kubernetes: 2 · Working, important" in new
    assert "Python" not in new and "Docker" not in new
    raised = _text(_section(changes, "Required level rises"))
    assert "Python: 2 · Working → to 3 · Practitioner" in raised
    assert "Docker: 1 · Awareness → to 2 · Working" in raised
    assert "Communication" not in raised
    importance = _text(_section(changes, "Importance changes"))
    assert "Docker: Important → to Essential" in importance
    assert "Python" not in importance
    dropped = _text(_section(changes, "No longer required"))
    assert "SQL (was 2 · Working)" in dropped
    assert "Required level drops" not in changes


def test_role_detail_says_which_skills_the_rung_no_longer_assesses_and_why(client, mlops):
    html = client.get(
        reverse("roles:role_detail", args=["mlops", "mlops-team-lead"])
    ).content.decode()

    requirements = html[html.index('id="requirements-title"') : html.index('id="changes-title"')]
    assert (
        "Not assessed at this rung: Docker, Kubernetes: a lead relies on the team for these."
        in _text(requirements)
    )
    assert '<a href="#not-assessed">not assessed at this rung</a>' in html
    # Rungs that drop nothing say nothing of it.
    engineer = client.get(reverse("roles:role_detail", args=["mlops", "mlops-engineer"]))
    assert "Not assessed" not in engineer.content.decode()


def test_the_shipped_director_page_says_what_it_no_longer_assesses(client):
    call_command("bootstrap", no_admin=True, stdout=StringIO())

    html = client.get(reverse("roles:role_detail", args=["mlops", "director-of-mlops"]))
    text = _text(html.content.decode())

    assert (
        "Not assessed at this rung: R, Scala, Data structures and algorithms, Big data "
        "technologies: a director no longer writes or tunes this code;"
    ) in text
    assert "Not assessed at this rung: DVC (Data Version Control), Kubeflow, ModelDB" in text


def test_role_detail_of_the_first_rung_says_so(client, mlops):
    url = reverse("roles:role_detail", args=["mlops", "junior-mlops-engineer"])
    text = _text(client.get(url).content.decode())
    assert "This is the first rung of the ladder" in text
    assert f"Experience 0{DASH}2 years" in text
    assert "Salary No salary figure in the source" in text
    assert "Salary source" not in text


def test_role_detail_links_previous_and_next_rungs(client, mlops):
    html = client.get(
        reverse("roles:role_detail", args=["mlops", "mlops-engineer"])
    ).content.decode()
    nav = html[html.index('class="rung-nav"') :]
    assert reverse("roles:role_detail", args=["mlops", "junior-mlops-engineer"]) in nav
    assert reverse("roles:role_detail", args=["mlops", "mlops-team-lead"]) in nav
    top = client.get(reverse("roles:role_detail", args=["mlops", "mlops-team-lead"]))
    top_text = _text(top.content.decode())
    assert "Previous rung MLOps Engineer" in top_text
    assert "Next rung" not in top_text


def test_role_detail_names_the_other_role_on_a_forked_rung(client):
    version = MatrixVersionFactory()
    RoleFactory(version=version, slug="tech-lead", title="Tech Lead", rank=1)
    RoleFactory(version=version, slug="manager", title="Manager", rank=1)
    version.publish()
    url = reverse("roles:role_detail", args=[version.track.slug, "manager"])
    text = _text(client.get(url).content.decode())
    assert "alongside Tech Lead" in text
    assert "This role lists no required skills." in text


def test_role_detail_above_a_fork_compares_with_each_role_below(client):
    version = MatrixVersionFactory()
    category = CategoryFactory(version=version)
    python = SkillFactory(version=version, category=category, name="Python")
    sql = SkillFactory(version=version, category=category, name="SQL")
    analyst = RoleFactory(version=version, slug="analyst", title="Analyst", rank=1)
    developer = RoleFactory(version=version, slug="developer", title="Developer", rank=1)
    lead = RoleFactory(version=version, slug="lead", title="Lead", rank=2)
    RequirementFactory(role=analyst, skill=sql, level=3, importance=ESSENTIAL)
    RequirementFactory(role=developer, skill=python, level=3, importance=ESSENTIAL)
    RequirementFactory(role=lead, skill=python, level=4, importance=ESSENTIAL)
    RequirementFactory(role=lead, skill=sql, level=3, importance=ESSENTIAL)
    version.publish()
    html = client.get(reverse("roles:role_detail", args=[version.track.slug, "lead"])).content
    changes = html.decode().split('id="changes-title"')[1]
    from_analyst, from_developer = changes.split("Compared with")[1:3]
    assert "Analyst" in from_analyst and "Developer" in from_developer
    assert "Python: 4 · Advanced, essential" in _text(_section(from_analyst, "New at this rung"))
    assert "Python: 3 · Practitioner → to 4 · Advanced" in _text(
        _section(from_developer, "Required level rises")
    )
    assert "SQL: 3 · Practitioner" in _text(_section(from_developer, "New at this rung"))
    assert "Previous rung Analyst" in _text(changes) and "Previous rung Developer" in _text(changes)


# ---------- Formatting ----------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"salary_min": 131158, "salary_max": 200000}, f"$131,158 {DASH} $200,000 (USD, 2024)"),
        ({"salary_average": 137700}, "average $137,700 (USD, 2024)"),
        ({"salary_min": 120000}, "from $120,000 (USD, 2024)"),
        ({"salary_max": 90000, "salary_currency": "EUR"}, "up to €90,000 (EUR, 2024)"),
        ({"salary_currency": "", "salary_year": None}, "No salary figure in the source"),
    ],
)
def test_salary_reads_as_a_range_an_average_or_a_plain_note(fields, expected):
    role = Role(**({"salary_currency": "USD", "salary_year": 2024} | fields))
    assert salary(role) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 3, f"0{DASH}3 years"),
        (7, None, "7+ years"),
        (None, 2, "up to 2 years"),
        (1, 1, "1 year"),
        (None, None, ""),
    ],
)
def test_experience_reads_as_a_range_or_a_minimum(low, high, expected):
    assert experience(Role(experience_min=low, experience_max=high)) == expected


# ---------- Not found, drafts, anonymous access ----------


@pytest.mark.parametrize(
    "url",
    [
        "/roles/no-such-track/",
        "/roles/no-such-track/mlops-engineer/",
        "/roles/mlops/no-such-role/",
    ],
)
def test_unknown_slugs_are_not_found(client, mlops, url):
    assert client.get(url).status_code == 404


def test_a_track_with_only_a_draft_is_not_found(client):
    version = make_ladder(skills=3, roles=2, publish=False)
    slug = version.track.slug
    assert client.get(f"/roles/{slug}/").status_code == 404
    assert client.get(f"/roles/{slug}/role-1/").status_code == 404


def test_a_role_that_exists_only_in_a_draft_is_not_found(client, mlops):
    draft = mlops.track.start_draft()
    RoleFactory(version=draft, slug="director-of-mlops", title="Director of MLOps", rank=4)
    assert client.get("/roles/mlops/director-of-mlops/").status_code == 404
    assert "Director of MLOps" not in client.get("/roles/mlops/").content.decode()


@pytest.mark.parametrize("url", ["/", "/roles/", "/roles/mlops/", "/roles/mlops/mlops-engineer/"])
def test_pages_are_open_to_anonymous_visitors(client, mlops, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Log in" in response.content.decode()


def test_ladder_pages_only_answer_get(client, mlops):
    assert client.post("/roles/mlops/").status_code == 405


# ---------- Query counts ----------

PAGE_QUERIES = {
    "home": 1,  # tracks
    "track_list": 2,  # tracks with counts, roles
    "track_detail": 3,  # version with track, roles with counts, categories with counts
    # version with track, roles, requirements with skills and categories, declared drops
    "role_detail": 4,
}


@pytest.mark.parametrize("skills", [10, 150])
@pytest.mark.parametrize("page", PAGE_QUERIES)
def test_each_page_reads_a_fixed_number_of_queries(client, django_assert_num_queries, page, skills):
    version = make_ladder(skills=skills, roles=5, publish=False)
    # Role 3 no longer assesses a tenth of the skills role 2 requires.
    dropped = version.skills.order_by("position")[: skills // 10]
    role = version.roles.get(slug="role-3")
    Requirement.objects.filter(role=role, skill__in=dropped).delete()
    DeclaredDrop.objects.bulk_create(
        DeclaredDrop(role=role, skill=skill, reason=f"Reason {skill.position % 3}.")
        for skill in dropped
    )
    version.publish()
    make_ladder(skills=skills, roles=3)  # a second ladder to list
    slug = version.track.slug
    url = {
        "home": "/",
        "track_list": reverse("roles:track_list"),
        "track_detail": reverse("roles:track_detail", args=[slug]),
        "role_detail": reverse("roles:role_detail", args=[slug, "role-3"]),
    }[page]
    with django_assert_num_queries(PAGE_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200
    if page == "role_detail":
        html = response.content.decode()
        assert html.count('<th scope="row">') == skills - skills // 10
        assert html.count('class="not-assessed"') == min(3, skills // 10)
