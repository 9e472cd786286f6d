"""The questionnaire pages: my assessments, start, resume, one step per category, submit,
the summary, who may see what, and how many queries each page costs."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Rating, levels_from_snapshot
from roles.models import Role, Skill, Track
from tests.assessments.conftest import HTMX, answer_all, rate_url, step_url, stored
from tests.assessments.worked_example import text_of, worked_example
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db

MLOPS_LADDER = settings.BASE_DIR / "roles" / "ladders" / "mlops.yaml"


def urls_of(assessment: Assessment) -> dict[str, tuple[str, str]]:
    """Every URL of one assessment, with its method."""
    skill = assessment.version.skills.select_related("category").first()
    pk = assessment.pk
    return {
        "resume": ("get", reverse("assessments:resume", args=[pk])),
        "step": ("get", step_url(assessment, skill.category.slug)),
        "step-post": ("post", step_url(assessment, skill.category.slug)),
        "rating": ("post", rate_url(assessment, skill.slug)),
        "submit": ("get", reverse("assessments:submit", args=[pk])),
        "submit-post": ("post", reverse("assessments:submit", args=[pk])),
        "report": ("get", reverse("assessments:report", args=[pk])),
    }


# --- My assessments ---------------------------------------------------------------------


def test_my_assessments_lists_mine_with_progress_and_the_way_on(owner_client, owner, assessment):
    Rating.objects.create(assessment=assessment, skill=assessment.version.skills.first(), level=0)
    done = AssessmentFactory(user=owner, version=assessment.version)
    answer_all(done)
    done.submit()
    others = AssessmentFactory(version=assessment.version)

    body = owner_client.get(reverse("assessments:list")).content.decode()

    assert "1 of 8 skills answered (12%)" in body
    assert "8 of 8 skills answered" not in body  # submitted: its result instead
    assert reverse("assessments:resume", args=[assessment.pk]) in body
    assert reverse("assessments:report", args=[done.pk]) in body
    assert str(others.pk) not in body
    assert reverse("assessments:new") in body
    assert assessment.track.name in body
    assert assessment.target_role.title in body
    assert "Draft" in body
    assert "Submitted" in body


def test_my_assessments_costs_the_same_queries_for_one_or_many(
    owner_client, owner, ladder, django_assert_num_queries
):
    AssessmentFactory(user=owner, version=ladder)
    with django_assert_num_queries(4):  # session, user, how many, the page with progress
        owner_client.get(reverse("assessments:list"))
    for _ in range(5):
        AssessmentFactory(user=owner, version=make_ladder(skills=20))
    with django_assert_num_queries(4):
        owner_client.get(reverse("assessments:list"))


def test_my_assessments_gives_each_submitted_one_its_result_in_a_line(owner_client, owner):
    worked = worked_example(owner)  # docs/scoring.md: Junior fits, Engineer close, Senior 72 %

    body = owner_client.get(reverse("assessments:list")).content.decode()

    card = text_of(re.search(r'<li class="card assessment-card">.*?</li>', body, re.S).group(0))
    assert "Fits you now Junior" in card
    assert "Next step Engineer (close, 91%)" in card
    assert "Target coverage 72% of Senior Gap" in card
    assert reverse("assessments:report", args=[worked.pk]) in body


def test_results_in_the_list_cost_the_same_queries_whatever_the_number_and_versions(
    owner_client, owner, django_assert_num_queries
):
    worked_example(owner)
    # session, user, how many, the page of assessments; then the matrices of the versions this
    # process has not built yet, four queries for them all (the levels were kept at submission).
    with django_assert_num_queries(8):
        owner_client.get(reverse("assessments:list"))
    for skills in (10, 40):
        done = AssessmentFactory(user=owner, version=make_ladder(skills=skills))
        answer_all(done)
        done.submit()
    with django_assert_num_queries(8):
        body = owner_client.get(reverse("assessments:list")).content.decode()
    assert body.count("Target coverage") == 3
    with django_assert_num_queries(4):  # every matrix built already
        owner_client.get(reverse("assessments:list"))


def many_assessments(owner, ladder, count: int) -> list[Assessment]:
    """`count` drafts of mine, a day apart, oldest first."""
    made = []
    for number in range(count):
        assessment = AssessmentFactory(user=owner, version=ladder)
        Assessment.objects.filter(pk=assessment.pk).update(
            created_at=timezone.now() - timedelta(days=count - number)
        )
        made.append(assessment)
    return made


def listed_ids(body: str) -> list[str]:
    return re.findall(r'<a href="/assessments/([0-9a-f-]+)/">', body)


def test_my_assessments_come_ten_a_page_newest_first(owner_client, owner, ladder):
    made = many_assessments(owner, ladder, 23)
    AssessmentFactory(version=ladder)  # someone else's

    first = owner_client.get(reverse("assessments:list")).content.decode()
    third = owner_client.get(reverse("assessments:list"), {"page": 3}).content.decode()

    assert listed_ids(first) == [str(a.pk) for a in reversed(made[-10:])]
    assert "Newest first: 1 to 10 of 23." in text_of(first)
    assert '<a href="?page=2" rel="next">Older assessments</a>' in first
    assert "Newer assessments" not in first
    assert "Page 1 of 3" in text_of(first)
    assert listed_ids(third) == [str(a.pk) for a in reversed(made[:3])]
    assert '<a href="?page=2" rel="prev">Newer assessments</a>' in third
    assert "Older assessments" not in third


@pytest.mark.parametrize(("page", "shown"), [("99", 3), ("-1", 3), ("two", 1), ("", 1)])
def test_a_page_past_the_last_shows_the_last_and_a_malformed_one_the_first(
    owner_client, owner, ladder, page, shown
):
    many_assessments(owner, ladder, 23)

    response = owner_client.get(reverse("assessments:list"), {"page": page})

    assert response.status_code == 200
    assert f"Page {shown} of 3" in text_of(response.content.decode())


def test_a_single_page_shows_no_pager(owner_client, owner, ladder):
    many_assessments(owner, ladder, 10)

    body = owner_client.get(reverse("assessments:list")).content.decode()

    assert len(listed_ids(body)) == 10
    assert 'class="pager"' not in body


def test_my_assessments_costs_the_same_queries_for_1_or_50(
    owner_client, owner, ladder, django_assert_num_queries
):
    many_assessments(owner, ladder, 1)
    with django_assert_num_queries(4):  # session, user, how many, the page with progress
        owner_client.get(reverse("assessments:list"))
    many_assessments(owner, ladder, 49)
    with django_assert_num_queries(4):
        body = owner_client.get(reverse("assessments:list"), {"page": 5}).content.decode()
    assert "Page 5 of 5" in text_of(body)


# --- Start ------------------------------------------------------------------------------


def test_logged_in_start_an_assessment_opens_the_start_form(owner_client, ladder):
    body = owner_client.get("/").content.decode()

    assert '<a class="button" href="/assessments/new/">Start an assessment</a>' in body
    assert f'href="/assessments/new/?track={ladder.track.slug}">Start an assessment' in body


def test_logged_out_assess_yourself_signs_up_then_opens_the_start_form(client, ladder):
    track = ladder.track.slug
    body = client.get(f"/roles/{track}/role-2/").content.decode()

    start = f"/assessments/new/?track={track}&target_role=role-2"
    link = f'href="/accounts/signup/?next={quote(start, safe="")}">Assess yourself'
    assert link in body
    home = client.get("/").content.decode()
    assert 'href="/accounts/signup/?next=%2Fassessments%2Fnew%2F">Start an assessment' in home


def test_logged_in_assess_yourself_opens_the_start_form_with_the_role_chosen(owner_client, ladder):
    track = ladder.track.slug
    body = owner_client.get(f"/roles/{track}/role-2/").content.decode()

    assert f'href="/assessments/new/?track={track}&amp;target_role=role-2">Assess yourself' in body


def test_the_start_form_offers_the_current_versions_roles(owner_client, ladder):
    make_ladder(track=ladder.track, roles=4)  # now current; the first version had three

    response = owner_client.get(reverse("assessments:new"))

    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{ladder.track.slug}" selected>' in body
    role_field = re.search(r'<select id="id_target_role".*?</select>', body, re.S).group(0)
    offered = re.findall(r'<option value="([^"]+)"', role_field)
    assert offered == ["role-1", "role-2", "role-3", "role-4"]


def test_the_start_form_says_how_many_skills_and_how_long_and_that_answers_save(
    owner_client, ladder
):
    make_ladder(skills=75)

    body = owner_client.get(reverse("assessments:new")).content.decode()

    assert f">{ladder.track.name} (8 skills, about 2 minutes)</option>" in body
    assert "(75 skills, about 15 minutes)</option>" in body
    assert "Each answer is saved as you choose it" in body


def test_the_start_form_costs_the_same_queries_whatever_the_ladders(
    owner_client, ladder, django_assert_num_queries
):
    with django_assert_num_queries(4):  # session, user, ladders with skill counts, roles
        owner_client.get(reverse("assessments:new"))
    make_ladder(skills=60, roles=6)
    with django_assert_num_queries(4):
        owner_client.get(reverse("assessments:new"))


def test_the_start_form_comes_with_the_ladder_and_role_of_the_link(owner_client, ladder):
    make_ladder()

    body = owner_client.get(
        reverse("assessments:new"), {"track": ladder.track.slug, "target_role": "role-2"}
    ).content.decode()

    assert f'<option value="{ladder.track.slug}" selected>' in body
    assert '<option value="role-2" selected>' in body
    assert "<optgroup" not in body


def test_choosing_a_track_with_htmx_returns_only_its_role_field(owner_client, ladder):
    other = make_ladder()
    response = owner_client.get(
        reverse("assessments:new"), {"track": other.track.slug}, headers=HTMX
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<div class="field" id="target-role-field">')
    assert f"<strong>{other.track.name}</strong>: 8 skills, about 2 minutes." in body
    assert "<optgroup" not in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx-fragment"])
def test_the_start_form_numbers_rungs_as_the_ladder_does_when_ranks_skip(owner_client, headers):
    ladder = make_ladder(roles=3, publish=False)
    Role.objects.filter(version=ladder, slug="role-3").update(rank=4)
    ladder.publish()

    body = owner_client.get(
        reverse("assessments:new"), {"track": ladder.track.slug}, headers=headers
    ).content.decode()

    # Ranks 1, 2, 4 are the ladder's rungs 1, 2, 3 (as the ladder pages and the report say).
    assert "Role 3 (rung 3)" in body
    assert "rung 4" not in body


def test_without_a_chosen_track_roles_are_grouped_by_track(owner_client, ladder):
    other = make_ladder()

    body = owner_client.get(reverse("assessments:new")).content.decode()

    assert f'<optgroup label="{ladder.track.name}">' in body
    assert f'<optgroup label="{other.track.name}">' in body


def test_starting_pins_the_current_version_for_good(owner_client, owner, ladder):
    response = owner_client.post(
        reverse("assessments:new"), {"track": ladder.track.slug, "target_role": "role-2"}
    )

    assessment = Assessment.objects.get(user=owner)
    assert response.status_code == 303
    assert response["Location"] == reverse("assessments:resume", args=[assessment.pk])
    assert assessment.version == ladder
    assert assessment.target_role == ladder.roles.get(slug="role-2")
    assert assessment.status == Assessment.Status.DRAFT

    make_ladder(track=ladder.track)  # a later publish
    assessment.refresh_from_db()
    assert assessment.version == ladder


def test_starting_after_a_publish_pins_the_new_version(owner_client, owner, ladder):
    newer = make_ladder(track=ladder.track)

    owner_client.post(
        reverse("assessments:new"), {"track": ladder.track.slug, "target_role": "role-1"}
    )

    assert Assessment.objects.get(user=owner).version == newer


def test_a_draft_version_is_not_offered(owner_client, owner, ladder):
    make_ladder(track=ladder.track, roles=5, publish=False)

    response = owner_client.post(
        reverse("assessments:new"), {"track": ladder.track.slug, "target_role": "role-5"}
    )

    assert response.status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"track": "no-such-track", "target_role": "role-1"}, "no published career ladder"),
        ({"target_role": "role-1"}, "Choose a career ladder."),
        ({"track": "__ladder__"}, "Choose the role you are aiming for."),
        ({"track": "__ladder__", "target_role": "chief-of-everything"}, "is not a role of"),
    ],
    ids=["unknown-track", "no-track", "no-role", "unknown-role"],
)
def test_starting_with_bad_input_creates_nothing(owner_client, ladder, data, message):
    data = {
        key: ladder.track.slug if value == "__ladder__" else value for key, value in data.items()
    }

    response = owner_client.post(reverse("assessments:new"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_role_of_another_track_is_refused(owner_client, ladder):
    other = make_ladder(roles=5)

    response = owner_client.post(
        reverse("assessments:new"), {"track": ladder.track.slug, "target_role": "role-5"}
    )

    assert other.roles.filter(slug="role-5").exists()
    assert response.status_code == 400
    assert "is not a role of the current" in response.content.decode()
    assert not Assessment.objects.exists()


# --- Resume -----------------------------------------------------------------------------


def test_the_assessment_url_resumes_at_the_first_step_with_unanswered_skills(
    owner_client, assessment
):
    first_step = assessment.version.categories.order_by("position").first()
    for skill in first_step.skills.all():
        Rating.objects.create(assessment=assessment, skill=skill, level=0)

    response = owner_client.get(reverse("assessments:resume", args=[assessment.pk]))

    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, "cat-1")


def test_the_assessment_url_leads_to_submit_once_all_is_answered(owner_client, assessment):
    answer_all(assessment, level=0)

    response = owner_client.get(reverse("assessments:resume", args=[assessment.pk]))

    assert response["Location"] == reverse("assessments:submit", args=[assessment.pk])


def test_a_submitted_assessment_leads_to_its_report(owner_client, submitted):
    response = owner_client.get(reverse("assessments:resume", args=[submitted.pk]))

    assert response["Location"] == reverse("assessments:report", args=[submitted.pk])


# --- One step ---------------------------------------------------------------------------


def fieldset_of(body: str, slug: str) -> str:
    return re.search(rf"<fieldset id=skill-{slug} .*?</fieldset>", body, re.S).group(0)


def test_a_step_shows_each_skill_as_a_row_of_its_level_names(owner_client, assessment):
    response = owner_client.get(step_url(assessment, "cat-0"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Step 1 of 4: Category 0" in body
    for skill in assessment.version.skills.filter(category__slug="cat-0"):
        fieldset = fieldset_of(body, skill.slug)
        assert f"<legend>{skill.name}</legend>" in fieldset
        assert f"<p id=about-{skill.slug}>{skill.description}</p>" in fieldset
        assert f'aria-describedby="about-{skill.slug}"' in fieldset
        assert fieldset.count("<input type=radio ") == 6
        for level, name in enumerate(assessment.version.scale):
            assert f"value={level}>{level} {name}</label>" in fieldset
        # Nothing chosen, so no statement: every one is a button away, fetched when asked
        # for (htmx) or the step saved and shown again with them (without JavaScript).
        for level in range(1, 6):
            assert skill.statement(level) not in fieldset
        assert "<p class=chosen></p>" in fieldset
        assert (
            f"<button name=levels value={skill.slug} class=link-button"
            f" hx-get=?levels={skill.slug} hx-target=this hx-swap=outerHTML hx-sync=this>"
            "What each level means</button>"
        ) in fieldset
        # Evidence folded until wanted.
        assert "<details><summary>Evidence</summary><textarea" in fieldset
        assert f'aria-label="Evidence for {skill.name}"' in fieldset
    assert "<strong>0 None</strong> if you have not used it" in body
    # Skills of other steps are on their own pages.
    assert "Skill 1 description" not in body


def test_the_chosen_levels_statement_shows_under_the_row(owner_client, assessment):
    skills = {skill.slug: skill for skill in assessment.version.skills.all()}
    Rating.objects.create(assessment=assessment, skill=skills["skill-4"], level=3)
    Rating.objects.create(assessment=assessment, skill=skills["skill-0"], level=0)

    body = owner_client.get(step_url(assessment, "cat-0")).content.decode()

    chosen = fieldset_of(body, "skill-4")
    assert f"<p class=chosen>{skills['skill-4'].statement(3)}</p>" in chosen
    assert skills["skill-4"].statement(2) not in chosen
    # Level 0 has no statement of its own (the page's help says what it means).
    assert "<p class=chosen></p>" in fieldset_of(body, "skill-0")


def test_what_each_level_means_with_htmx_is_the_skills_statements_alone(owner_client, assessment):
    skill = assessment.version.skills.get(slug="skill-4")

    response = owner_client.get(step_url(assessment, "cat-0"), {"levels": "skill-4"}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<html" not in body
    # A disclosure, open, taking the button's place; its summary takes the focus.
    assert body.startswith(
        "<details open class=level-list><summary autofocus>What each level means</summary><dl>"
    )
    for level, name in enumerate(assessment.version.scale[1:], start=1):
        assert (
            f"<div data-level={level}><dt>{level} {name}</dt>"
            f"<dd>{skill.statement(level)}</dd></div>"
        ) in body
    assert "<dt>0 None</dt>" not in body


@pytest.mark.parametrize("slug", ["no-such-skill", "skill-1"], ids=["unknown", "other-step"])
def test_what_each_level_means_of_a_skill_not_in_the_step_is_not_found(
    owner_client, assessment, slug
):
    response = owner_client.get(step_url(assessment, "cat-0"), {"levels": slug}, headers=HTMX)

    assert response.status_code == 404


def test_what_each_level_means_of_another_users_assessment_is_not_found(
    outsider_client, assessment
):
    response = outsider_client.get(
        step_url(assessment, "cat-0"), {"levels": "skill-0"}, headers=HTMX
    )

    assert response.status_code == 404
    assert "level 1" not in response.content.decode()


def test_what_each_level_means_of_a_submitted_assessment_leads_to_the_report(
    owner_client, submitted
):
    response = owner_client.get(step_url(submitted, "cat-0"), {"levels": "skill-0"}, headers=HTMX)

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:report", args=[submitted.pk])


def test_the_step_page_opens_one_skills_statements_when_asked(owner_client, assessment):
    skill = assessment.version.skills.get(slug="skill-4")

    body = owner_client.get(step_url(assessment, "cat-0"), {"levels": "skill-4"}).content.decode()

    opened = fieldset_of(body, "skill-4")
    assert "<details open class=level-list><summary autofocus>" in opened
    assert "<button name=levels" not in opened
    for level in range(1, 6):
        assert f"<dd>{skill.statement(level)}</dd>" in opened
    # The other skills keep their button.
    assert "<button name=levels value=skill-0 " in fieldset_of(body, "skill-0")
    assert body.count("class=level-list") == 1
    # A slug of another step, or none at all, opens nothing.
    for slug in ["skill-1", "no-such-skill"]:
        body = owner_client.get(step_url(assessment, "cat-0"), {"levels": slug}).content.decode()
        assert "class=level-list" not in body


def test_what_each_level_means_without_javascript_saves_the_step_first(owner_client, assessment):
    response = owner_client.post(
        step_url(assessment, "cat-0"),
        {**_step_data(skill_0=(2, "")), "levels": "skill-4"},
    )

    assert response.status_code == 303
    assert response["Location"] == f"{step_url(assessment, 'cat-0')}?levels=skill-4#skill-skill-4"
    assert {slug: value[:2] for slug, value in stored(assessment).items()} == {"skill-0": (2, "")}
    body = owner_client.get(response["Location"]).content.decode()
    assert "<details open class=level-list>" in fieldset_of(body, "skill-4")
    assert "Saved your answers on Category 0." in body


def test_what_each_level_means_without_a_choice_made_says_nothing_was_saved(
    owner_client, assessment
):
    response = owner_client.post(step_url(assessment, "cat-0"), {"levels": "skill-4"}, follow=True)

    body = response.content.decode()
    assert "<details open class=level-list>" in fieldset_of(body, "skill-4")
    assert "Saved your answers" not in body
    assert stored(assessment) == {}


def test_what_each_level_means_with_a_bad_answer_saves_nothing_and_opens_them(
    owner_client, assessment
):
    response = owner_client.post(
        step_url(assessment, "cat-0"),
        {**_step_data(skill_0=(2, ""), skill_4=(9, "")), "levels": "skill-0"},
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert stored(assessment) == {}
    assert "<details open class=level-list>" in fieldset_of(body, "skill-0")
    assert "Fix 1 answer to save this page" in body


def test_what_each_level_means_of_a_skill_not_in_the_step_just_saves_it(owner_client, assessment):
    response = owner_client.post(
        step_url(assessment, "cat-0"), {**_step_data(skill_0=(2, "")), "levels": "skill-1"}
    )

    assert response.status_code == 303
    assert response["Location"] == step_url(assessment, "cat-1")
    assert set(stored(assessment)) == {"skill-0"}


def test_a_steps_statements_and_level_names_are_escaped(owner_client, owner):
    # Statements and level names come from admins and imported files, never as markup.
    attack = "<img src=x onerror=1>"
    ladder = make_ladder(skills=4, roles=2, scale=["None", attack, "Working"], publish=False)
    Skill.objects.filter(version=ladder).update(levels={"1": attack, "2": "A & B"})
    ladder.publish()
    assessment = AssessmentFactory(user=owner, version=ladder)
    Rating.objects.create(assessment=assessment, skill=ladder.skills.get(slug="skill-0"), level=1)

    body = owner_client.get(step_url(assessment, "cat-0")).content.decode()
    statements = owner_client.get(
        step_url(assessment, "cat-0"), {"levels": "skill-0"}, headers=HTMX
    ).content.decode()

    assert attack not in body + statements
    assert ">1 &lt;img src=x onerror=1&gt;</label>" in body
    assert "<p class=chosen>&lt;img src=x onerror=1&gt;</p>" in body
    assert "<dt>1 &lt;img src=x onerror=1&gt;</dt><dd>&lt;img src=x onerror=1&gt;</dd>" in (
        statements
    )
    assert "<dt>2 Working</dt><dd>A &amp; B</dd>" in statements


def test_a_refused_steps_names_descriptions_and_evidence_are_escaped(owner_client, owner):
    attack = "<script>alert(1)</script>"
    ladder = make_ladder(skills=4, roles=2, publish=False)
    Skill.objects.filter(version=ladder, slug="skill-0").update(name=attack, description=attack)
    ladder.publish()
    assessment = AssessmentFactory(user=owner, version=ladder)

    response = owner_client.post(
        step_url(assessment, "cat-0"), {"skill-0-level": "99", "skill-0-evidence": attack}
    )

    body = response.content.decode()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert response.status_code == 400
    assert attack not in body
    assert f"<legend>{escaped}</legend>" in body
    assert f"<p id=about-skill-0>{escaped}</p>" in body
    assert f'aria-label="Evidence for {escaped}">{escaped}</textarea>' in body


def test_a_step_does_not_show_required_levels(owner_client, assessment):
    body = owner_client.get(step_url(assessment, "cat-0")).content.decode()

    form = re.search(r'<form id="step-form".*?</form>', body, re.S).group(0)
    assert "required" not in form.lower()
    assert "Essential" not in form
    assert assessment.target_role.title in body  # named, but not its requirements


def test_a_step_shows_stored_answers_and_progress(owner_client, assessment):
    skill = assessment.version.skills.get(slug="skill-4")  # in cat-0
    Rating.objects.create(assessment=assessment, skill=skill, level=3, evidence="My note.")

    body = owner_client.get(step_url(assessment, "cat-0")).content.decode()

    assert "<input type=radio name=skill-4-level value=3 checked>" in body
    assert body.count(" checked>") == 1
    # A stored note opens its evidence box.
    assert "<details open><summary>Evidence</summary>" in body
    assert "My note.</textarea>" in body
    assert "<strong>1 of 8</strong> skills answered (12%)" in body
    assert "Category 0: <strong>1 of 2</strong>" in body  # this step, in the sticky bar
    assert re.search(r'aria-current="step"><span class="step-nav-name">Category 0', body)


def test_an_unknown_step_is_not_found(owner_client, assessment):
    assert owner_client.get(step_url(assessment, "no-such-step")).status_code == 404


def test_a_step_of_a_submitted_assessment_leads_to_the_report(owner_client, submitted):
    response = owner_client.get(step_url(submitted, "cat-0"))

    assert response["Location"] == reverse("assessments:report", args=[submitted.pk])


def _step_data(**answers) -> dict[str, object]:
    data: dict[str, object] = {}
    for slug, (level, evidence) in answers.items():
        slug = slug.replace("_", "-")
        if level is not None:
            data[f"{slug}-level"] = level
        data[f"{slug}-evidence"] = evidence
    return data


def test_the_step_form_saves_every_answer_and_moves_on(owner_client, assessment):
    response = owner_client.post(
        step_url(assessment, "cat-0"),
        _step_data(skill_0=(0, ""), skill_4=(5, "Led the migration.")),
    )

    assert response.status_code == 303
    assert response["Location"] == step_url(assessment, "cat-1")
    answers = stored(assessment)
    assert {slug: value[:2] for slug, value in answers.items()} == {
        "skill-0": (0, ""),
        "skill-4": (5, "Led the migration."),
    }


def test_the_step_form_may_leave_a_skill_for_later(owner_client, assessment):
    response = owner_client.post(
        step_url(assessment, "cat-0"), _step_data(skill_0=(2, ""), skill_4=(None, ""))
    )

    assert response.status_code == 303
    assert set(stored(assessment)) == {"skill-0"}


def test_the_last_step_moves_on_to_submit(owner_client, assessment):
    response = owner_client.post(
        step_url(assessment, "cat-3"), _step_data(skill_3=(1, ""), skill_7=(1, ""))
    )

    assert response["Location"] == reverse("assessments:submit", args=[assessment.pk])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ((7, ""), "Choose a level from 0 to 5."),
        (("high", ""), "The level must be a whole number from 0 to 5."),
        ((None, "Wrote one once."), "Choose a level first"),
        ((3, "x" * 1001), "Keep the evidence to 1000 characters"),
    ],
    ids=["outside-scale", "not-integer", "evidence-without-level", "oversized-evidence"],
)
def test_the_step_form_saves_nothing_when_one_answer_is_bad(owner_client, assessment, bad, message):
    Rating.objects.create(
        assessment=assessment, skill=assessment.version.skills.get(slug="skill-0"), level=1
    )
    before = stored(assessment)

    response = owner_client.post(
        step_url(assessment, "cat-0"), _step_data(skill_0=(4, "Good."), skill_4=bad)
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    # True even when autosave stored answers before: this save alone changed nothing.
    assert "Fix 1 answer to save this page" in body
    assert "This save changed nothing. Answers saved before it" in body
    assert "Nothing on this page was saved" not in body
    assert 'href="#skill-skill-4"' in body
    assert 'aria-describedby="about-skill-4 error-skill-4"' in body
    assert "<p id=error-skill-4 class=field-error><strong>Not saved:</strong>" in body
    # What was typed is shown again, not lost.
    assert "<input type=radio name=skill-0-level value=4 checked>" in body
    assert stored(assessment) == before


def test_the_step_form_of_a_submitted_assessment_is_refused(owner_client, submitted):
    before = stored(submitted)

    response = owner_client.post(step_url(submitted, "cat-0"), _step_data(skill_0=(5, "")))

    assert response.status_code == 409
    assert "locked" in response.content.decode()
    assert stored(submitted) == before


# --- Submit and the summary -------------------------------------------------------------


def test_the_submit_page_lists_unanswered_skills_with_links(owner_client, assessment):
    Rating.objects.create(
        assessment=assessment, skill=assessment.version.skills.get(slug="skill-0"), level=0
    )

    body = owner_client.get(reverse("assessments:submit", args=[assessment.pk])).content.decode()

    assert "7 skills still need an answer" in body
    assert f'href="{step_url(assessment, "cat-1")}#skill-skill-1"' in body
    assert "#skill-skill-0" not in body
    assert "Submit and see my summary" not in body


def test_submitting_an_incomplete_assessment_is_refused(owner_client, assessment):
    answer_all(assessment)
    Rating.objects.filter(assessment=assessment, skill__slug="skill-7").delete()

    response = owner_client.post(reverse("assessments:submit", args=[assessment.pk]))

    assessment.refresh_from_db()
    assert response.status_code == 400
    assert "Answer every skill before submitting" in response.content.decode()
    assert "Skill 7" in response.content.decode()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.submitted_at is None


def test_submitting_locks_the_answers_and_shows_the_summary(owner_client, assessment):
    answer_all(assessment, level=0)  # 0 is an answer
    assert (
        "Submit and see my summary"
        in owner_client.get(reverse("assessments:submit", args=[assessment.pk])).content.decode()
    )

    response = owner_client.post(reverse("assessments:submit", args=[assessment.pk]))

    assessment.refresh_from_db()
    assert response.status_code == 303
    assert response["Location"] == reverse("assessments:report", args=[assessment.pk])
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.submitted_at is not None


def test_submitting_twice_is_a_quiet_redirect_to_the_report(owner_client, submitted):
    submitted_at = submitted.submitted_at

    response = owner_client.post(reverse("assessments:submit", args=[submitted.pk]))

    submitted.refresh_from_db()
    assert response.status_code == 303
    assert response["Location"] == reverse("assessments:report", args=[submitted.pk])
    assert submitted.submitted_at == submitted_at


def test_the_summary_gives_fit_next_roles_and_the_targets_gaps(owner_client, owner):
    # make_ladder: role k requires every skill at 1 + (k-1)*5//3: 1, 2, 4.
    ladder = make_ladder(skills=6, categories=2)
    assessment = AssessmentFactory(
        user=owner, version=ladder, target_role=ladder.roles.get(slug="role-3")
    )
    answer_all(assessment, level=2)
    Rating.objects.filter(assessment=assessment, skill__slug="skill-2").update(level=4)
    assessment.submit()

    body = owner_client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()

    fit = re.search(r'<p class="report-fit">(.*?)</p>', body).group(1)
    assert fit == "Role 2"
    # Role 3 is the next step (and the target): every skill but skill-2 to raise to 4.
    assert "to be ready for Role 3.</p>" in body
    # Target role-3 needs 4 everywhere: skill-2 meets it, the other five are at 2.
    # coverage = sum(importance * min(rated, 4)) / sum(importance * 4), importance 1,2,3,1,2,3
    expected = (1 * 2 + 2 * 2 + 3 * 4 + 1 * 2 + 2 * 2 + 3 * 2) * 100 // (12 * 4)
    assert f"<strong>{expected}%</strong> coverage" in body
    assert "Gap</span>" in body
    assert "Essential skills below the required level:</strong> Skill 5." in body
    rows = re.findall(r'<th scope="row">(Skill \d+)', body)
    assert rows[0] == "Skill 5"  # essential, gap 2: the top priority
    assert "Skill 2" not in rows
    assert len(rows) == 5


# --- Who may see what -------------------------------------------------------------------


URL_NAMES = ["resume", "step", "step-post", "rating", "submit", "submit-post", "report"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_another_users_assessment_is_not_found(outsider_client, assessment, name, headers, state):
    if state == "submitted":
        answer_all(assessment)
        assessment.submit()
    before = stored(assessment)
    method, url = urls_of(assessment)[name]

    response = getattr(outsider_client, method)(url, {"level": 1}, headers=headers)

    assessment.refresh_from_db()
    assert response.status_code == 404
    assert stored(assessment) == before
    assert assessment.status == state


@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client, assessment, name):
    method, url = urls_of(assessment)[name]

    response = getattr(client, method)(url, {"level": 1})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert stored(assessment) == {}


@pytest.mark.parametrize("path", ["/assessments/", "/assessments/new/"])
def test_anonymous_visitors_cannot_list_or_start(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["step-post", "rating", "submit-post", "start"])
def test_posts_without_the_csrf_token_are_forbidden(owner, assessment, name):
    answer_all(assessment) if name == "submit-post" else None
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    if name == "start":
        url = reverse("assessments:new")
        data = {"track": assessment.track.slug, "target_role": "role-1"}
    else:
        url = urls_of(assessment)[name][1]
        data = {"level": 1, "skill-0-level": 1}
    before = (stored(assessment), Assessment.objects.count())

    response = client.post(url, data, headers=HTMX)

    assessment.refresh_from_db()
    assert response.status_code == 403
    assert (stored(assessment), Assessment.objects.count()) == before
    assert assessment.status == Assessment.Status.DRAFT


# --- Query counts -----------------------------------------------------------------------

# session, user, assessment (with version, track and target role), progress per step, the
# version's skills (the first time this process shows a step of it), stored ratings of the step.
STEP_PAGE_QUERIES = 6
# Later steps of a published version take its skills from those this process keeps.
LATER_STEP_PAGE_QUERIES = 5
# session, user, assessment; "last saved" of a draft, the answer's upsert (written only over
# an older answer and while a draft); progress per step. The skill comes from the version's
# skills this process keeps (step_skills): the first request to meet the version reads them.
AUTOSAVE_QUERIES = 6
FIRST_OF_THE_VERSION_AUTOSAVE_QUERIES = AUTOSAVE_QUERIES + 1
# "What each level means" (htmx): session, user, assessment; the skill from the version's
# skills this process keeps (a draft's: one query more).
LEVEL_LIST_QUERIES = 3


@pytest.fixture
def sized_assessment(owner, sized_ladder):
    """The owner's assessment on sized_ladder, half of its skills answered."""
    assessment = AssessmentFactory(user=owner, version=sized_ladder)
    skills = list(sized_ladder.skills.all())
    for skill in skills[: len(skills) // 2]:
        Rating.objects.create(assessment=assessment, skill=skill, level=1)
    return assessment


def test_the_step_page_costs_the_same_queries_whatever_the_size(
    owner_client, sized_assessment, django_assert_num_queries
):
    with django_assert_num_queries(STEP_PAGE_QUERIES):
        response = owner_client.get(step_url(sized_assessment, "cat-0"))
    assert response.status_code == 200


def test_later_step_pages_of_the_version_skip_its_skills(
    owner_client, sized_assessment, django_assert_num_queries
):
    owner_client.get(step_url(sized_assessment, "cat-0"))
    with django_assert_num_queries(LATER_STEP_PAGE_QUERIES):
        response = owner_client.get(step_url(sized_assessment, "cat-1"))
    assert response.status_code == 200
    assert "<legend>Skill 1</legend>" in response.content.decode()


def test_a_draft_versions_step_reads_its_skills_every_time(
    owner_client, owner, django_assert_num_queries
):
    # Only a published version is immutable: a draft's statements may change between pages.
    ladder = make_ladder(skills=4, roles=2, publish=False)
    assessment = AssessmentFactory(user=owner, version=ladder)
    owner_client.get(step_url(assessment, "cat-0"), {"levels": "skill-0"})
    Skill.objects.filter(version=ladder, slug="skill-0").update(levels={"1": "Edited since."})

    with django_assert_num_queries(STEP_PAGE_QUERIES):
        body = owner_client.get(step_url(assessment, "cat-0"), {"levels": "skill-0"})
    assert "<dd>Edited since.</dd>" in body.content.decode()
    with django_assert_num_queries(LEVEL_LIST_QUERIES + 1):
        statements = owner_client.get(
            step_url(assessment, "cat-0"), {"levels": "skill-0"}, headers=HTMX
        )
    assert "<dd>Edited since.</dd>" in statements.content.decode()


def test_what_each_level_means_costs_the_same_queries_whatever_the_size(
    owner_client, sized_assessment, django_assert_num_queries
):
    skill = sized_assessment.version.skills.get(slug="skill-0")
    url = step_url(sized_assessment, skill.category.slug)
    owner_client.get(url)
    with django_assert_num_queries(LEVEL_LIST_QUERIES):
        response = owner_client.get(url, {"levels": skill.slug}, headers=HTMX)
    assert f"<dd>{skill.statement(5)}</dd>" in response.content.decode()


def test_an_autosave_costs_the_same_queries_whatever_the_size(
    owner_client, sized_assessment, django_assert_num_queries
):
    answered = list(sized_assessment.ratings.select_related("skill")[:2])
    with django_assert_num_queries(FIRST_OF_THE_VERSION_AUTOSAVE_QUERIES):
        response = owner_client.post(
            rate_url(sized_assessment, answered[0].skill.slug), {"level": 3}, headers=HTMX
        )
    assert response.status_code == 200

    with django_assert_num_queries(AUTOSAVE_QUERIES):
        response = owner_client.post(
            rate_url(sized_assessment, answered[1].skill.slug), {"level": 3}, headers=HTMX
        )
    assert response.status_code == 200

    # The first answer to a skill costs the same: the upsert inserts it.
    unanswered = sized_assessment.unanswered_skills().first()
    with django_assert_num_queries(AUTOSAVE_QUERIES):
        response = owner_client.post(
            rate_url(sized_assessment, unanswered.slug), {"level": 3}, headers=HTMX
        )
    assert response.status_code == 200


def test_a_draft_versions_autosave_reads_its_skill_every_time(
    owner_client, owner, django_assert_num_queries
):
    ladder = make_ladder(skills=4, roles=2, publish=False)
    assessment = AssessmentFactory(user=owner, version=ladder)
    for level in (2, 3):
        with django_assert_num_queries(AUTOSAVE_QUERIES + 1):
            response = owner_client.post(
                rate_url(assessment, "skill-0"), {"level": level}, headers=HTMX
            )
        assert response.status_code == 200


def test_staff_cannot_see_assessments_in_the_admin(admin_client, submitted):
    # Assessments are their owners' alone: the admin edits ladders, never reads answers.
    change_url = f"/admin/assessments/assessment/{submitted.pk}/change/"
    assert admin_client.get("/admin/assessments/assessment/").status_code == 404
    assert admin_client.get(change_url).status_code == 404
    assert b"Assessments" not in admin_client.get("/admin/").content


def test_submitting_keeps_the_levels_as_submitted_in_matrix_order(owner, ladder):
    assessment = AssessmentFactory(user=owner, version=ladder)
    skills = list(ladder.skills.in_matrix_order())
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=position % 6)
        for position, skill in enumerate(skills)
    )

    assessment.submit()

    expected = "".join(str(position % 6) for position in range(len(skills)))
    assessment.refresh_from_db()
    assert assessment.submitted_levels == expected
    assert levels_from_snapshot(assessment.submitted_levels, len(skills)) == [
        position % 6 for position in range(len(skills))
    ]
    # A snapshot of another size is no snapshot of this version.
    assert levels_from_snapshot(assessment.submitted_levels, len(skills) + 1) is None


# --- Answer None to the rest of a step --------------------------------------------------


def mark_none_url(assessment: Assessment, category_slug: str) -> str:
    return reverse("assessments:mark_none", args=[assessment.pk, category_slug])


def test_a_step_offers_to_answer_none_to_its_unanswered_skills(owner_client, assessment):
    Rating.objects.create(
        assessment=assessment, skill=assessment.version.skills.get(slug="skill-0"), level=3
    )

    body = owner_client.get(step_url(assessment, "cat-0")).content.decode()

    block = re.search(r'<div id="mark-none".*?</div>', body, re.S).group(0)
    assert "Answer 0 None to the 1 unanswered skill<" in block
    # Without JavaScript the button saves the step's choices first, then asks to confirm.
    assert 'type="submit" form="step-form" name="then" value="mark-none"' in block
    assert f'hx-get="{mark_none_url(assessment, "cat-0")}"' in block
    assert 'hx-target="#mark-none"' in block


def test_saving_the_step_to_answer_none_to_the_rest_asks_to_confirm(owner_client, assessment):
    response = owner_client.post(
        step_url(assessment, "cat-0"), {**_step_data(skill_0=(2, "")), "then": "mark-none"}
    )

    assert response.status_code == 303
    assert response["Location"] == mark_none_url(assessment, "cat-0")
    assert stored(assessment) == {"skill-0": (2, "", stored(assessment)["skill-0"][2])}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_the_confirmation_lists_what_will_be_answered_none(owner_client, assessment, headers):
    Rating.objects.create(
        assessment=assessment, skill=assessment.version.skills.get(slug="skill-0"), level=3
    )

    response = owner_client.get(mark_none_url(assessment, "cat-0"), headers=headers)

    body = response.content.decode()
    assert response.status_code == 200
    assert ("<html" in body) == (not headers)
    assert "Answer 0 None to 1 skill of Category 0?" in body
    assert "<li>Skill 4</li>" in body
    assert "<li>Skill 0</li>" not in body
    assert '<input type="hidden" name="skill" value="skill-4">' in body
    assert stored(assessment)["skill-0"][0] == 3  # asking changes nothing


def test_confirming_answers_none_to_the_listed_skills_still_unanswered(owner_client, assessment):
    skills = {skill.slug: skill for skill in assessment.version.skills.all()}
    Rating.objects.create(assessment=assessment, skill=skills["skill-0"], level=3)

    response = owner_client.post(
        mark_none_url(assessment, "cat-0"),
        # skill-0 has an answer (kept), skill-1 is of another step (left alone).
        {"skill": ["skill-0", "skill-4", "skill-1"]},
        follow=True,
    )

    levels = {slug: level for slug, (level, _, _) in stored(assessment).items()}
    assert levels == {"skill-0": 3, "skill-4": 0}
    assert response.redirect_chain == [(step_url(assessment, "cat-0"), 303)]
    assert "Answered 0 None to 1 skill of Category 0" in response.content.decode()


def test_an_answer_stored_meanwhile_is_never_overwritten_by_none(owner_client, assessment):
    # Listed on the confirmation, then answered in another tab before confirming.
    skill = assessment.version.skills.get(slug="skill-4")
    owner_client.post(rate_url(assessment, "skill-4"), {"level": 4}, headers=HTMX)

    response = owner_client.post(mark_none_url(assessment, "cat-0"), {"skill": ["skill-4"]})

    assert response.status_code == 303
    assert stored(assessment)["skill-4"][0] == 4
    assert Rating.objects.filter(assessment=assessment, skill=skill).count() == 1


def test_confirming_twice_changes_nothing_more(owner_client, assessment):
    url = mark_none_url(assessment, "cat-0")
    owner_client.post(url, {"skill": ["skill-0", "skill-4"]})
    first = stored(assessment)

    response = owner_client.post(url, {"skill": ["skill-0", "skill-4"]}, follow=True)

    assert stored(assessment) == first
    assert "Every skill of Category 0 already has an answer" in response.content.decode()


def test_answering_none_to_a_submitted_assessment_is_refused(owner_client, assessment):
    answer_all(assessment)
    Rating.objects.filter(assessment=assessment, skill__slug="skill-4").delete()
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at="2026-01-01T00:00:00Z"
    )

    response = owner_client.post(mark_none_url(assessment, "cat-0"), {"skill": ["skill-4"]})

    assert response.status_code == 409
    assert "skill-4" not in stored(assessment)


def test_answering_none_elsewhere_is_not_found(owner_client, stranger_client, assessment):
    assert owner_client.get(mark_none_url(assessment, "no-such-step")).status_code == 404
    url = mark_none_url(assessment, "cat-0")
    assert stranger_client.get(url).status_code == 404
    assert stranger_client.post(url, {"skill": ["skill-4"]}).status_code == 404
    assert stored(assessment) == {}


def test_answering_none_costs_the_same_queries_whatever_the_size(
    owner_client, sized_assessment, django_assert_num_queries
):
    url = mark_none_url(sized_assessment, "cat-0")
    # session, user, assessment, category, unanswered skills of the step
    with django_assert_num_queries(5):
        response = owner_client.get(url)
    assert response.status_code == 200
    slugs = [skill.slug for skill in sized_assessment.unanswered_skills()]
    # ... then updated_at + row lock, the ones still unanswered, one insert for them all
    with django_assert_num_queries(8):
        response = owner_client.post(url, {"skill": slugs})
    assert response.status_code == 303


# --- Size of a step ---------------------------------------------------------------------

# HTML bytes per skill of each step of the shipped MLOps ladder (bench/questionnaire.py
# measures the same in a browser, with the page heights). The skill's own words (its name,
# description and level names) are 190 to 250 of them; its statements come when asked for.
STEP_BYTES_PER_SKILL = 1750


def test_each_step_of_the_mlops_ladder_stays_under_its_bytes_per_skill(owner_client, owner):
    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())
    version = Track.objects.get(slug="mlops").current_version()
    assessment = AssessmentFactory(user=owner, version=version)
    steps = [category for category in version.categories.all() if category.skills.exists()]
    assert len(steps) == 4

    for category in steps:
        body = owner_client.get(step_url(assessment, category.slug)).content
        skills = category.skills.count()
        assert body.count(b"<fieldset id=skill-") == skills
        assert len(body) / skills <= STEP_BYTES_PER_SKILL, category.slug
