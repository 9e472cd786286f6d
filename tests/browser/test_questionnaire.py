"""The questionnaire in a real browser: the whole flow with and without JavaScript, on a phone,
through an accessibility scan, and when answers race each other or fail to save."""

from __future__ import annotations

import io
import math
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client

from assessments import scoring
from assessments.models import Assessment, Rating
from assessments.scored import scoring_matrix
from roles.models import MatrixVersion, Requirement, Skill, Track
from tests.browser.conftest import (
    ALL_IMPACTS,
    axe_violations,
    eventually,
    page_has_no_horizontal_scroll,
)
from tests.factories import PASSWORD, AssessmentFactory, UserFactory, make_ladder

pytestmark = pytest.mark.django_db(transaction=True)

MLOPS_LADDER = settings.BASE_DIR / "roles" / "ladders" / "mlops.yaml"


def expect(actual, message: str | None = None):
    # Imported when used: conftest turns a missing playwright into a skip (or a CI failure),
    # which a module-level import would pre-empt with a collection error.
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual, message)


# --- Helpers -----------------------------------------------------------------------------------


def _log_in(page, live_server, user) -> None:
    """Sign the browser in with a session made on the server (the sign-up test uses the form)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": session.key,
                "value": session.value,
                "url": live_server.url,
                "secure": settings.SESSION_COOKIE_SECURE,
                "httpOnly": True,
            }
        ]
    )


def _skills_by_step(version: MatrixVersion) -> list[tuple[str, list[Skill]]]:
    """(category name, its skills) in questionnaire order."""
    return [
        (category.name, list(category.skills.order_by("position", "pk")))
        for category in version.categories.order_by("position", "pk")
        if category.skills.exists()
    ]


def _skill_group(page, skill: Skill):
    """The skill's fieldset, found the way assistive technology finds it: by its legend."""
    return page.get_by_role("group", name=skill.name, exact=True)


def _choose(page, skill: Skill, level: int, level_name: str) -> None:
    """Click the box of a level, as a person does."""
    _level_label(page, skill, level, level_name).click()


def _level_label(page, skill: Skill, level: int, level_name: str):
    # Scoped by the fieldset's id, not its accessible name: naming every group of a long step
    # on each click would slow the whole-ladder flow down (the names have their own test).
    return page.locator(f"#skill-{skill.slug} .levels label").get_by_text(
        f"{level} {level_name}", exact=True
    )


def _status(page, skill: Skill):
    """Where the skill's row tells how its last save went: a status (a polite live region)."""
    return page.locator(f"#skill-{skill.slug}").get_by_role("status")


def _answer(page, skill: Skill, level: int, level_name: str) -> None:
    """Choose a level and wait for the row to confirm the autosave."""
    _choose(page, skill, level, level_name)
    expect(_status(page, skill)).to_contain_text(f"Saved: {level} {level_name}")


def _radio(page, skill: Skill, level: int, level_name: str):
    # Named by the level: "2 Working".
    name = re.compile(rf"^{level} {re.escape(level_name)}\b")
    return _skill_group(page, skill).get_by_role("radio", name=name)


def _open_a_step(page, live_server, **ladder) -> tuple[Assessment, list[Skill]]:
    """A new user's new assessment on a ladder of the given size, open at its first step:
    the assessment and the skills of that step."""
    version = make_ladder(**ladder)
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=version)
    _log_in(page, live_server, user)
    page.goto(f"/assessments/{assessment.pk}/")
    return assessment, _skills_by_step(version)[0][1]


def _stored_levels(assessment: Assessment) -> dict[str, int]:
    return dict(Rating.objects.filter(assessment=assessment).values_list("skill__slug", "level"))


def _progress_text(answered: int, total: int) -> str:
    return f"{answered} of {total} skills answered ({round(100 * answered / total)}%)"


# --- The whole flow ----------------------------------------------------------------------------


def test_a_job_seeker_signs_up_answers_every_step_and_gets_a_summary(page):
    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())
    version = Track.objects.get(slug="mlops").current_version()
    make_ladder()  # a second ladder, so choosing the track really changes the roles on offer
    scale = version.scale
    # Meet every requirement of the MLOps Engineer rung and vary the rest, so every level of
    # the scale gets clicked somewhere and the summary has a real fit to show.
    engineer_needs = dict(
        Requirement.objects.filter(role__version=version, role__slug="mlops-engineer").values_list(
            "skill__slug", "level"
        )
    )
    steps = _skills_by_step(version)
    all_skills = [skill for _, skills in steps for skill in skills]
    chosen = {
        skill.slug: engineer_needs.get(skill.slug, position % len(scale))
        for position, skill in enumerate(all_skills)
    }
    total = len(all_skills)

    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(re.search(r"http://\S+/accounts/confirm/\S+/", mail.outbox[-1].body).group(0))
    page.get_by_role("button", name="Confirm and log in").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()

    page.get_by_role("link", name="Start a new assessment").click()
    # The ladder says how long it takes: 75 skills at about 12 seconds each.
    page.get_by_label("Career ladder").select_option(
        label="MLOps Engineering (75 skills, about 15 minutes)"
    )
    # Waits for the roles of the chosen ladder, which htmx swaps in.
    page.get_by_label("Target role").select_option(label="Senior MLOps Engineer (rung 3)")
    page.get_by_role("button", name="Start the assessment").click()

    assessment = Assessment.objects.get(user__username="ada")
    assert assessment.version == version
    assert assessment.target_role.slug == "senior-mlops-engineer"
    progress = page.locator("#overall-progress-label")
    answered = 0
    for number, (category_name, skills) in enumerate(steps, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Step {number} of {len(steps)}: {category_name}"
        )
        for position, skill in enumerate(skills):
            level = chosen[skill.slug]
            _answer(page, skill, level, scale[level])
            answered += 1
            expect(progress).to_have_text(_progress_text(answered, total))
            if number == 2 and position == len(skills) // 2:
                # Leave midway and come back: every answer so far is stored and shown.
                page.reload()
                expect(progress).to_have_text(_progress_text(answered, total))
                for earlier in skills[: position + 1]:
                    level = chosen[earlier.slug]
                    expect(_radio(page, earlier, level, scale[level])).to_be_checked()
                assert _stored_levels(assessment) == {
                    s.slug: chosen[s.slug] for s in all_skills[:answered]
                }
        page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Review and submit")
    expect(page.get_by_role("heading", name="Every skill is answered")).to_be_visible()
    page.get_by_role("button", name="Submit and see my summary").click()

    expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/report/$"))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert Assessment.objects.filter(user__username="ada").count() == 1
    assert _stored_levels(assessment) == chosen
    assert Rating.objects.filter(assessment=assessment).count() == total

    # The summary shows the rung these answers fit and the coverage of the target.
    score = scoring.score(scoring_matrix(version), chosen)
    assert score.current_fit is not None
    expect(page.get_by_text(score.current_fit.role.title, exact=True).first).to_be_visible()
    target_percent = math.floor(score.role("senior-mlops-engineer").coverage * 100)
    expect(page.locator("main")).to_contain_text(f"{target_percent}% coverage")


def test_the_questionnaire_works_without_javascript(no_js_page, live_server):
    page = no_js_page
    version = make_ladder(skills=6, categories=2)
    make_ladder()
    scale = version.scale
    user = UserFactory()
    _log_in(page, live_server, user)

    page.goto("/assessments/new/")
    page.get_by_label("Career ladder").select_option(
        label=f"{version.track.name} (6 skills, about 1 minute)"
    )
    # Without JavaScript the roles of every ladder are offered, named with their ladder.
    page.get_by_label("Target role").select_option(label=f"{version.track.name}: Role 2 (rung 2)")
    page.get_by_role("button", name="Start the assessment").click()
    assessment = Assessment.objects.get(user=user)

    steps = _skills_by_step(version)
    chosen = {}
    for number, (category_name, skills) in enumerate(steps, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Step {number} of {len(steps)}: {category_name}"
        )
        for skill in skills:
            chosen[skill.slug] = (number + skill.position) % len(scale)
            _choose(page, skill, chosen[skill.slug], scale[chosen[skill.slug]])
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator(".messages")).to_contain_text(f"Saved your answers on {category_name}")
        assert _stored_levels(assessment) == chosen

        if number == 1:
            page.get_by_role("link", name=f"Back to {category_name}").click()
            for skill in skills:
                level = chosen[skill.slug]
                expect(_radio(page, skill, level, scale[level])).to_be_checked()
            page.get_by_role("link", name=f"Skip to {steps[1][0]}").click()

    expect(page.get_by_role("heading", name="Every skill is answered")).to_be_visible()
    page.get_by_role("button", name="Submit and see my summary").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/report/$"))
    assessment.refresh_from_db()
    assert assessment.is_submitted
    assert _stored_levels(assessment) == chosen


# --- Phone -------------------------------------------------------------------------------------


def test_start_and_step_pages_fit_a_phone_and_answers_are_tappable(
    phone_page, live_server, artifacts
):
    page = phone_page
    version = make_ladder(skills=8, categories=4)
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=version)
    skills = _skills_by_step(version)[0][1]
    _log_in(page, live_server, user)

    page.goto("/assessments/new/")
    assert page_has_no_horizontal_scroll(page)

    page.goto(f"/assessments/{assessment.pk}/")
    assert page_has_no_horizontal_scroll(page)
    _level_label(page, skills[0], 3, "Practitioner").tap()
    expect(_status(page, skills[0])).to_contain_text("Saved: 3 Practitioner")
    assert _stored_levels(assessment) == {skills[0].slug: 3}
    # Every level is a target large enough for a thumb.
    for box in page.locator(f"#skill-{skills[0].slug} .levels label").all():
        assert box.bounding_box()["height"] >= 44
    _skill_group(page, skills[1]).get_by_text("What each level means").tap()
    expect(_skill_group(page, skills[1]).get_by_text(skills[1].statement(5))).to_be_visible()
    assert page_has_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "step-phone.png", full_page=True)


# The height of a step of the shipped MLOps ladder, divided by its skills, at 1280 px with
# nothing expanded (bench/questionnaire.py prints the same figures, at 375 px too).
STEP_HEIGHT_PER_SKILL = 180


def test_each_step_of_the_mlops_ladder_stays_compact(page, live_server):
    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())
    version = Track.objects.get(slug="mlops").current_version()
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=version)
    _log_in(page, live_server, user)

    steps = version.categories.order_by("position", "pk")
    for category in steps:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"/assessments/{assessment.pk}/steps/{category.slug}/")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height / category.skills.count() <= STEP_HEIGHT_PER_SKILL, category.slug
        page.set_viewport_size({"width": 375, "height": 740})
        assert page_has_no_horizontal_scroll(page), category.slug


def test_the_header_keeps_to_one_row_on_a_phone_with_its_links_behind_menu(phone_page, live_server):
    page = phone_page
    user = UserFactory(is_staff=True)
    _log_in(page, live_server, user)
    page.goto("/assessments/")

    header = page.locator(".site-header")
    brand = page.get_by_role("link", name="CareerFit")
    menu = page.get_by_text("Menu", exact=True)
    assert header.bounding_box()["height"] < 80
    assert abs(brand.bounding_box()["y"] - menu.bounding_box()["y"]) < 20
    expect(page.get_by_role("link", name="Ladders", exact=True)).to_be_hidden()

    menu.tap()
    for name in ("Ladders", "My assessments", "Admin", "Account"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Log out"))).to_be_visible()
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    page.get_by_role("link", name="Account", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def test_the_header_shows_its_links_in_one_row_on_a_desktop(page, live_server):
    _log_in(page, live_server, UserFactory())
    page.goto("/assessments/")

    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    tops = {
        round(page.get_by_role("link", name=name, exact=True).bounding_box()["y"])
        for name in ("CareerFit", "Ladders", "My assessments", "Account")
    }
    assert max(tops) - min(tops) < 20


# --- Accessibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 320])
def test_start_step_and_submit_pages_pass_an_accessibility_scan(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    version = make_ladder(skills=8, categories=4)
    scale = version.scale
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=version)
    skills = _skills_by_step(version)[0][1]
    _log_in(page, live_server, user)

    page.goto("/assessments/")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    page.goto("/assessments/new/")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert page_has_no_horizontal_scroll(page)

    page.goto(f"/assessments/{assessment.pk}/")
    for skill in skills:
        # Each skill is a group named by its legend, each level a radio named by its label.
        expect(_skill_group(page, skill)).to_have_count(1)
        expect(_skill_group(page, skill).get_by_role("radio")).to_have_count(len(scale))
        for level, name in enumerate(scale):
            expect(_radio(page, skill, level, name)).to_have_count(1)
    _answer(page, skills[0], 2, scale[2])
    _answer(page, skills[1], 0, scale[0])
    _skill_group(page, skills[0]).get_by_text("What each level means").click()
    expect(_skill_group(page, skills[0]).get_by_text(skills[0].statement(5))).to_be_visible()
    _skill_group(page, skills[1]).get_by_text("Evidence", exact=True).click()
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert page_has_no_horizontal_scroll(page)

    # With a flash message showing, and with the confirmation of "None to the rest".
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".messages")).to_contain_text("Saved your answers")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    page.goto(f"/assessments/{assessment.pk}/steps/cat-1/none/")
    assert axe_violations(page, impacts=ALL_IMPACTS) == []

    page.goto(f"/assessments/{assessment.pk}/submit/")
    expect(page.get_by_role("heading", name=re.compile("still need"))).to_be_visible()
    assert axe_violations(page, impacts=ALL_IMPACTS) == []
    assert page_has_no_horizontal_scroll(page)


# --- Races and failures ------------------------------------------------------------------------


def test_the_last_answer_clicked_is_the_one_stored(page, live_server):
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]

    # Hold the first answer's request until the second one is stored, then send it: the older
    # answer reaches the server last and must not overwrite the newer one. (The page has given
    # up on it by then, so the test sends it, with the page's own headers and body.)
    held = []

    def hold_the_first(route):
        if not held:
            held.append(route)
            return
        route.continue_()

    page.route(f"**/ratings/{skill.slug}/", hold_the_first)
    _choose(page, skill, 1, "Awareness")
    _choose(page, skill, 3, "Practitioner")
    expect(_status(page, skill)).to_contain_text("Saved: 3 Practitioner")
    first = held[0]
    assert "level=1" in first.request.post_data
    late = page.request.post(
        first.request.url, headers=first.request.headers, data=first.request.post_data
    )
    assert late.ok
    assert "A newer answer is already saved" in late.text()
    first.abort()
    page.unroute(f"**/ratings/{skill.slug}/")

    assert _stored_levels(assessment) == {skill.slug: 3}
    expect(_radio(page, skill, 3, "Practitioner")).to_be_checked()
    page.reload()
    expect(_radio(page, skill, 3, "Practitioner")).to_be_checked()


def test_a_failed_save_shows_an_error_and_can_be_retried(page, live_server):
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]
    status = _status(page, skill)
    rating_url = f"**/ratings/{skill.slug}/"

    page.route(rating_url, lambda route: route.abort("connectionfailed"))
    _choose(page, skill, 4, "Advanced")
    expect(status).to_contain_text("Not saved: the connection failed")
    assert _stored_levels(assessment) == {}
    assert axe_violations(page) == []
    page.unroute(rating_url)

    page.route(rating_url, lambda route: route.fulfill(status=500, body="Server Error"))
    status.get_by_role("button", name="Try again").click()
    expect(status).to_contain_text("Not saved: the server had a problem (error 500)")
    expect(_radio(page, skill, 4, "Advanced")).to_be_checked()
    assert _stored_levels(assessment) == {}
    page.unroute(rating_url)

    status.get_by_role("button", name="Try again").click()
    expect(status).to_contain_text("Saved: 4 Advanced")
    assert _stored_levels(assessment) == {skill.slug: 4}


@pytest.mark.parametrize("leave", ["close the tab", "open another page"])
def test_evidence_typed_just_before_the_page_goes_away_is_saved(page, live_server, leave):
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]
    _answer(page, skill, 2, "Working")
    _skill_group(page, skill).get_by_text("Evidence", exact=True).click()  # unfold it

    # Typed, and the page gone at once: well within the autosave's 0.8 s wait.
    _skill_group(page, skill).get_by_label("Evidence").fill("Ran the nightly retraining DAG.")
    if leave == "close the tab":
        page.close(run_before_unload=True)
    else:
        page.goto("/")

    evidence = Rating.objects.filter(assessment=assessment, skill=skill, evidence__gt="")
    stored = eventually(lambda: list(evidence.values_list("evidence", flat=True)))
    assert stored == ["Ran the nightly retraining DAG."]
    assert _stored_levels(assessment) == {skill.slug: 2}


@pytest.mark.parametrize("minutes_off", [-10, 10], ids=["device-clock-slow", "device-clock-fast"])
def test_answers_are_kept_when_the_device_clock_is_off(page, live_server, minutes_off):
    # "Save and continue" is numbered by the server's clock, autosaves in the browser: a device
    # clock minutes off must not make one lose to the other.
    version = make_ladder(skills=4, categories=2)
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=version)
    (first_step, skills), *_ = _skills_by_step(version)
    skill = skills[0]
    page.add_init_script(f"Date.now = ((now) => () => now() + {minutes_off * 60_000})(Date.now);")
    _log_in(page, live_server, user)
    page.goto(f"/assessments/{assessment.pk}/")

    _answer(page, skill, 3, "Practitioner")
    # Typed just before leaving the page: its autosave is still waiting, the step's save has it.
    _skill_group(page, skill).get_by_text("Evidence", exact=True).click()  # unfold it
    _skill_group(page, skill).get_by_label("Evidence").fill("Shipped the batch scorer.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".messages")).to_contain_text(f"Saved your answers on {first_step}")
    stored = Rating.objects.filter(assessment=assessment).values_list("level", "evidence")
    assert list(stored.all()) == [(3, "Shipped the batch scorer.")]

    page.get_by_role("link", name=f"Back to {first_step}").click()
    _answer(page, skill, 4, "Advanced")
    assert list(stored.all()) == [(4, "Shipped the batch scorer.")]


# --- Under the Content-Security-Policy ---------------------------------------------------------


def test_autosave_works_under_the_strict_content_security_policy(page, live_server):
    """htmx runs without eval and injects no styles, so the site's strict policy (no inline
    code, no eval) refuses nothing while answers are saved; any console error fails this."""
    owner = UserFactory(username="owner")
    assessment = AssessmentFactory(user=owner)
    skill = assessment.version.skills.order_by("category__position", "position").first()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, live_server, owner)

    response = page.goto(f"/assessments/{assessment.pk}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    _answer(page, skill, 3, assessment.version.scale[3])

    assert _stored_levels(assessment) == {skill.slug: 3}
    assert errors == []


# --- A compact step ----------------------------------------------------------------------


def _statements_of(page, skill: Skill):
    """The skill's list of every level with its statement ("What each level means")."""
    return page.locator(f"#skill-{skill.slug} .level-list dl")


def _chosen_statement(page, skill: Skill):
    """The statement under the skill's row: the chosen level's."""
    return page.locator(f"#skill-{skill.slug} > .chosen")


def test_every_statement_is_one_action_away_without_javascript(no_js_page, live_server):
    page = no_js_page
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]
    group = _skill_group(page, skill)
    expect(group.get_by_text(skill.statement(3))).to_have_count(0)

    # Chosen but not saved yet: "What each level means" saves the step, then shows the
    # statements of that skill, the chosen one marked.
    _choose(page, skill, 3, "Practitioner")
    group.get_by_role("button", name="What each level means").click()
    expect(page).to_have_url(re.compile(rf"\?levels={skill.slug}#skill-{skill.slug}$"))
    assert _stored_levels(assessment) == {skill.slug: 3}
    statements = _statements_of(page, skill)
    for level in range(1, 6):
        expect(statements.get_by_text(skill.statement(level))).to_be_visible()
    marked = statements.locator("dd").filter(has_text=skill.statement(3))
    expect(marked).to_have_css("border-left-color", "rgb(27, 94, 120)")
    expect(statements.locator("dd").first).to_have_css("border-left-color", "rgba(0, 0, 0, 0)")
    # Level 0's meaning is said once for the whole step, above the skills.
    expect(statements.get_by_text("0 None")).to_have_count(0)
    expect(page.get_by_text("0 None if you have not used it")).to_be_visible()
    # Said once: the statement under the row gives way to the list while it is open.
    expect(_chosen_statement(page, skill)).to_be_hidden()

    group.get_by_text("What each level means").click()  # closes the list
    expect(statements).to_be_hidden()
    expect(_chosen_statement(page, skill)).to_have_text(skill.statement(3))
    expect(_chosen_statement(page, skill)).to_be_visible()
    # The other skills' statements stay on the server.
    expect(_skill_group(page, skills[1]).get_by_text(skills[1].statement(3))).to_have_count(0)


def test_what_each_level_means_opens_by_keyboard_without_javascript(no_js_page, live_server):
    page = no_js_page
    _, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[1]

    _skill_group(page, skill).get_by_role("button", name="What each level means").focus()
    page.keyboard.press("Enter")

    expect(_statements_of(page, skill).get_by_text(skill.statement(5))).to_be_visible()
    # The keyboard goes on from the skill's place in the page: its levels, then its list.
    page.keyboard.press("Tab")
    expect(_radio(page, skill, 0, "None")).to_be_focused()
    page.keyboard.press("Tab")
    expect(_skill_group(page, skill).get_by_text("What each level means")).to_be_focused()


def test_what_each_level_means_after_the_session_ended_goes_to_log_in(page, live_server):
    _, skills = _open_a_step(page, live_server, skills=4, categories=2)
    page.context.clear_cookies()

    _skill_group(page, skills[0]).get_by_role("button", name="What each level means").click()

    # The page itself goes to log in (and back here after), not the login form into the row.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator(".level-list")).to_have_count(0)


def test_enter_on_a_level_saves_the_step_and_moves_on(no_js_page, live_server):
    # Each skill's "What each level means" is a submit button of the step's form: Enter must
    # not press the first of them.
    page = no_js_page
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)

    _radio(page, skills[1], 0, "None").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/steps/cat-1/$"))
    assert _stored_levels(assessment) == {skills[1].slug: 1}


def test_the_chosen_levels_statement_follows_each_answer(page, live_server):
    _, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]
    expect(_chosen_statement(page, skill)).to_be_hidden()

    _answer(page, skill, 3, "Practitioner")
    expect(_chosen_statement(page, skill)).to_have_text(skill.statement(3))
    _answer(page, skill, 1, "Awareness")
    expect(_chosen_statement(page, skill)).to_have_text(skill.statement(1))
    # Level 0 has none.
    _answer(page, skill, 0, "None")
    expect(_chosen_statement(page, skill)).to_be_hidden()
    # Nobody else's row changed.
    expect(_chosen_statement(page, skills[1])).to_be_hidden()


def test_what_each_level_means_fetches_the_statements_in_place(page, live_server):
    _, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]
    _answer(page, skill, 2, "Working")

    _skill_group(page, skill).get_by_role("button", name="What each level means").click()

    statements = _statements_of(page, skill)
    expect(statements.get_by_text(skill.statement(5))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/steps/cat-0/$"))  # no new page
    # The chosen level is marked in the list, and follows the next choice.
    working = statements.locator("dd").filter(has_text=skill.statement(2))
    expect(working).to_have_css("border-left-color", "rgb(27, 94, 120)")
    _answer(page, skill, 4, "Advanced")
    expect(working).to_have_css("border-left-color", "rgba(0, 0, 0, 0)")
    advanced = statements.locator("dd").filter(has_text=skill.statement(4))
    expect(advanced).to_have_css("border-left-color", "rgb(27, 94, 120)")
    # Fetched once: closing and opening again is the page's own disclosure.
    summary = _skill_group(page, skill).get_by_text("What each level means")
    summary.click()
    expect(statements).to_be_hidden()
    summary.click()
    expect(statements).to_be_visible()


def test_what_each_level_means_falls_back_to_saving_the_step_when_the_fetch_fails(
    page, live_server
):
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[1]
    page.route(re.compile(r"\?levels="), lambda route: route.fulfill(status=500, body="Broken"))
    _answer(page, skills[0], 2, "Working")

    _skill_group(page, skill).get_by_role("button", name="What each level means").click()

    # The step posted as without JavaScript: back on it with the statements open.
    expect(page).to_have_url(re.compile(rf"\?levels={skill.slug}#skill-{skill.slug}$"))
    page.unroute(re.compile(r"\?levels="))
    expect(_statements_of(page, skill).get_by_text(skill.statement(5))).to_be_visible()
    expect(_radio(page, skills[0], 2, "Working")).to_be_checked()
    assert _stored_levels(assessment) == {skills[0].slug: 2}


def test_the_disclosures_work_with_the_keyboard(page, live_server):
    assessment, skills = _open_a_step(page, live_server, skills=4, categories=2)
    skill = skills[0]
    group = _skill_group(page, skill)

    # Arrow keys move between the levels (one radio group), saving each choice.
    _radio(page, skill, 0, "None").focus()
    page.keyboard.press("ArrowRight")
    expect(_status(page, skill)).to_contain_text("Saved: 1 Awareness")
    page.keyboard.press("Tab")
    expect(group.get_by_role("button", name="What each level means")).to_be_focused()
    page.keyboard.press("Enter")
    # Fetched in place, the focus on the disclosure that took the button's place (once htmx
    # has settled what it swapped in: it gives the focus then).
    expect(group.get_by_text(skill.statement(5))).to_be_visible()
    expect(group.locator(".level-list")).not_to_have_class(re.compile("htmx-added"))
    expect(group.get_by_text("What each level means")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(group.get_by_label("Evidence")).to_be_visible()
    page.keyboard.press("Tab")
    expect(group.get_by_label("Evidence")).to_be_focused()
    page.keyboard.type("Read the team's Helm charts.")
    expect(_status(page, skill)).to_contain_text("Saved: 1 Awareness")
    # The note saves once typing pauses.
    stored = Rating.objects.filter(assessment=assessment).values_list("level", "evidence")
    for _ in range(50):
        if list(stored.all()) == [(1, "Read the team's Helm charts.")]:
            break
        page.wait_for_timeout(100)
    assert list(stored.all()) == [(1, "Read the team's Helm charts.")]


def test_progress_stays_in_view_while_the_skills_scroll(page, live_server):
    _, skills = _open_a_step(page, live_server, skills=24, categories=2)
    last = skills[-1]

    _answer(page, last, 2, "Working")  # the last skill of the step, far down the page

    bar = page.locator("#overall-progress")
    box = bar.bounding_box()
    assert page.evaluate("() => window.scrollY") > 1000
    assert 0 <= box["y"] <= 1
    expect(bar).to_contain_text("Category 0: 1 of 12")
    expect(bar).to_contain_text(_progress_text(1, 24))


# --- Answer None to the rest -------------------------------------------------------------


def test_the_rest_of_a_step_is_answered_none_without_javascript(no_js_page, live_server):
    page = no_js_page
    assessment, skills = _open_a_step(page, live_server, skills=8, categories=2)
    step_name = assessment.version.categories.get(slug="cat-0").name

    # Chosen but not saved yet (no JavaScript): the button saves the page before asking.
    _choose(page, skills[0], 4, "Advanced")
    page.get_by_role("button", name="Answer 0 None to the 4 unanswered skills").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Answer 0 None to 3 skills of {step_name}?"
    )
    assert _stored_levels(assessment) == {skills[0].slug: 4}
    for skill in skills[1:]:
        expect(page.get_by_role("listitem").filter(has_text=skill.name)).to_have_count(1)

    page.get_by_role("button", name="Yes, answer 0 None to all of them").click()
    expect(page.locator(".messages")).to_contain_text(f"Answered 0 None to 3 skills of {step_name}")
    assert _stored_levels(assessment) == {skills[0].slug: 4} | {s.slug: 0 for s in skills[1:]}
    expect(_radio(page, skills[1], 0, "None")).to_be_checked()
    expect(_radio(page, skills[0], 4, "Advanced")).to_be_checked()


def test_the_rest_of_a_step_is_answered_none_in_place_with_htmx(page, live_server):
    assessment, skills = _open_a_step(page, live_server, skills=8, categories=2)
    step_name = assessment.version.categories.get(slug="cat-0").name

    _answer(page, skills[0], 3, "Practitioner")
    # The count follows the autosaves.
    button = page.get_by_role("button", name="Answer 0 None to the 3 unanswered skills")
    button.click()
    title = page.get_by_role("heading", name=f"Answer 0 None to 3 skills of {step_name}?")
    expect(title).to_be_focused()
    expect(page).to_have_url(re.compile(r"/steps/cat-0/$"))  # still the step page
    assert axe_violations(page, impacts=ALL_IMPACTS) == []

    page.get_by_role("button", name="Yes, answer 0 None to all of them").click()
    expect(page.locator(".messages")).to_contain_text(f"Answered 0 None to 3 skills of {step_name}")
    assert _stored_levels(assessment) == {skills[0].slug: 3} | {s.slug: 0 for s in skills[1:]}
    expect(page.locator("#overall-progress-label")).to_have_text(_progress_text(4, 8))


def test_a_stale_tab_shows_the_stored_answer_not_the_refused_one(page, live_server):
    version = make_ladder(skills=4, categories=2)
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=version)
    skills = [skill for _, step in _skills_by_step(version) for skill in step]
    _log_in(page, live_server, user)
    page.goto(f"/assessments/{assessment.pk}/")
    _answer(page, skills[0], 2, "Working")
    # Meanwhile, in another tab: every skill answered and the assessment submitted.
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=1) for skill in skills[1:]
    )
    assessment.submit()

    _choose(page, skills[0], 5, "Expert")

    expect(_status(page, skills[0])).to_contain_text("Not saved")
    expect(_radio(page, skills[0], 2, "Working")).to_be_checked()
    expect(_radio(page, skills[0], 5, "Expert")).not_to_be_checked()
    assert _stored_levels(assessment)[skills[0].slug] == 2


# --- Getting in ---------------------------------------------------------------------------------


def test_assess_yourself_from_a_role_goes_through_sign_up_to_the_start_form(page):
    version = make_ladder(skills=6, categories=2)
    make_ladder()  # another ladder: the start form must come with this one chosen
    track = version.track

    page.goto(f"/roles/{track.slug}/role-2/")
    page.get_by_role("link", name="Assess yourself against this role").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(re.search(r"http://\S+/accounts/confirm/\S+", mail.outbox[-1].body).group(0))
    page.get_by_role("button", name="Confirm and log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start an assessment")
    expect(page.get_by_label("Career ladder")).to_have_value(track.slug)
    expect(page.get_by_label("Target role")).to_have_value("role-2")
    page.get_by_role("button", name="Start the assessment").click()
    assessment = Assessment.objects.get(user__username="grace")
    assert (assessment.track, assessment.target_role.slug) == (track, "role-2")


def test_assess_yourself_from_a_role_returns_there_through_log_in(page):
    version = make_ladder(skills=6, categories=2)
    user = UserFactory()

    page.goto(f"/roles/{version.track.slug}/role-3/")
    page.get_by_role("link", name="Assess yourself against this role").click()
    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Start an assessment")
    expect(page.get_by_label("Target role")).to_have_value("role-3")
