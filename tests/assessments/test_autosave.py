"""Autosave of one answer: POST /assessments/<uuid>/ratings/<skill>/ (the public contract)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from django.urls import reverse
from django.utils.timezone import now

from assessments.models import Answer, Assessment, AssessmentLocked, Rating, server_sequence
from assessments.models.assessment import RatingQuerySet
from roles.models import Category
from tests.assessments.conftest import HTMX, answer_all, rate_url, step_url, stored
from tests.factories import AssessmentFactory, make_ladder

pytestmark = pytest.mark.django_db


def test_htmx_save_answers_with_the_saved_fragment_and_progress(owner_client, assessment, skill):
    response = owner_client.post(
        rate_url(assessment, skill.slug), {"level": 3, "seq": 10}, headers=HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved: 3 Practitioner" in body
    assert "<html" not in body
    # Out-of-band: the step list and the overall progress both count the new answer.
    assert re.search(r'id="step-nav"[^>]*hx-swap-oob="true"', body)
    assert re.search(r'id="overall-progress"[^>]*hx-swap-oob="true"', body)
    assert "<strong>1 of 8</strong> skills answered (12%)" in body
    assert "1 of 2" in body  # this step: 8 skills in 4 categories
    assert stored(assessment) == {skill.slug: (3, "", 10)}


def test_the_saved_levels_statement_goes_under_the_row(owner_client, assessment, skill):
    response = owner_client.post(
        rate_url(assessment, skill.slug), {"level": 3, "seq": 10}, headers=HTMX
    )

    assert (
        f'<p class=chosen hx-swap-oob="innerHTML:#skill-{skill.slug} > .chosen">'
        f"{skill.statement(3)}</p>"
    ) in response.content.decode()
    # Level 0 has none: the row's statement is emptied.
    response = owner_client.post(
        rate_url(assessment, skill.slug), {"level": 0, "seq": 11}, headers=HTMX
    )
    assert '> .chosen"></p>' in response.content.decode()


def test_the_ladders_words_in_the_fragment_are_escaped(owner_client, owner):
    version = make_ladder(
        skills=2, categories=1, publish=False, scale=["<None>", "B&sic", "Mid", "Top"]
    )
    Category.objects.filter(version=version).update(name='<b>"Ops"</b>')
    version.publish()
    assessment = AssessmentFactory(user=owner, version=version)

    response = owner_client.post(
        rate_url(assessment, "skill-0"), {"level": 1, "seq": 1}, headers=HTMX
    )

    body = response.content.decode()
    assert "<b>" not in body
    assert "<None>" not in body
    assert "Saved: 1 B&amp;sic" in body
    assert '<span class="step-nav-name">&lt;b&gt;&quot;Ops&quot;&lt;/b&gt;</span>' in body
    assert "&lt;b&gt;&quot;Ops&quot;&lt;/b&gt;: <strong>1 of 2</strong>" in body
    assert "Answer 0 &lt;None&gt; to the 1 unanswered skill<" in body


def test_without_htmx_it_redirects_back_to_the_skill(owner_client, assessment, skill):
    response = owner_client.post(rate_url(assessment, skill.slug), {"level": 0})

    assert response.status_code == 303
    assert (
        response["Location"] == step_url(assessment, skill.category.slug) + f"#skill-{skill.slug}"
    )
    level, _, sequence = stored(assessment)[skill.slug]
    assert level == 0
    assert sequence > 10**15  # the server's clock in microseconds


def test_a_boosted_request_gets_the_redirect_not_the_fragment(owner_client, assessment, skill):
    response = owner_client.post(
        rate_url(assessment, skill.slug), {"level": 1}, headers={**HTMX, "HX-Boosted": "true"}
    )

    assert response.status_code == 303


def test_changing_an_answer_updates_the_one_row(owner_client, assessment, skill):
    url = rate_url(assessment, skill.slug)
    owner_client.post(url, {"level": 1, "seq": 1}, headers=HTMX)
    owner_client.post(url, {"level": 4, "seq": 2}, headers=HTMX)

    assert Rating.objects.filter(assessment=assessment).count() == 1
    assert stored(assessment)[skill.slug] == (4, "", 2)


def test_an_older_answer_arriving_late_does_not_overwrite_a_newer_one(
    owner_client, assessment, skill
):
    url = rate_url(assessment, skill.slug)
    owner_client.post(url, {"level": 4, "seq": 200}, headers=HTMX)

    late = owner_client.post(url, {"level": 1, "seq": 100}, headers=HTMX)

    assert late.status_code == 200
    body = late.content.decode()
    # Not "saved": the page is told the answer that stands, and shows it instead.
    assert "Not saved:</strong> A newer answer is already saved" in body
    assert "4 Advanced" in body
    assert 'data-revert data-stored-level="4"' in body
    assert "Saved:" not in body
    # The statement under the row is the one of the answer that stands.
    assert f'> .chosen">{skill.statement(4)}</p>' in body
    assert skill.statement(1) not in body
    assert stored(assessment)[skill.slug] == (4, "", 200)


def test_an_answer_without_seq_is_numbered_by_the_server_clock(owner_client, assessment, skill):
    url = rate_url(assessment, skill.slug)
    owner_client.post(url, {"level": 4, "seq": 5}, headers=HTMX)

    owner_client.post(url, {"level": 2})

    assert stored(assessment)[skill.slug][0] == 2


def test_evidence_is_saved_with_the_level(owner_client, assessment, skill):
    url = rate_url(assessment, skill.slug)
    response = owner_client.post(
        url, {"level": 3, "evidence": "Ran the team's CI for a year.", "seq": 1}, headers=HTMX
    )

    assert response.status_code == 200
    assert stored(assessment)[skill.slug] == (3, "Ran the team's CI for a year.", 1)


def test_a_level_without_evidence_keeps_the_stored_evidence(owner_client, assessment, skill):
    url = rate_url(assessment, skill.slug)
    owner_client.post(url, {"level": 3, "evidence": "A link.", "seq": 1}, headers=HTMX)

    owner_client.post(url, {"level": 4, "seq": 2}, headers=HTMX)
    assert stored(assessment)[skill.slug] == (4, "A link.", 2)

    owner_client.post(url, {"level": 4, "evidence": "", "seq": 3}, headers=HTMX)
    assert stored(assessment)[skill.slug] == (4, "", 3)


def test_evidence_of_exactly_1000_characters_counting_line_breaks_once(
    owner_client, assessment, skill
):
    # 999 characters and one line break, sent as CRLF the way browsers send textareas.
    evidence = "a" * 500 + "\r\n" + "b" * 499

    response = owner_client.post(
        rate_url(assessment, skill.slug), {"level": 2, "evidence": evidence}, headers=HTMX
    )

    assert response.status_code == 200
    assert stored(assessment)[skill.slug][1] == evidence.replace("\r\n", "\n")


def _assert_refused(response, status: int, message: str) -> None:
    assert response.status_code == status
    assert message in response.content.decode()


@pytest.fixture
def answered(owner_client, assessment, skill):
    """The skill answered once, so refusals can be shown to leave it unchanged."""
    owner_client.post(
        rate_url(assessment, skill.slug), {"level": 2, "evidence": "Kept.", "seq": 7}, headers=HTMX
    )
    return stored(assessment)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": 6}, "Choose a level from 0 to 5."),
        ({"level": -1}, "Choose a level from 0 to 5."),
        ({"level": 99999999999999999999}, "Choose a level from 0 to 5."),
        ({"level": "three"}, "The level must be a whole number from 0 to 5."),
        ({"level": "2.5"}, "The level must be a whole number from 0 to 5."),
        ({"level": ""}, "Choose a level from 0 to 5."),
        ({}, "Choose a level from 0 to 5."),
        ({"evidence": "Did it."}, "Choose a level first"),
        ({"level": "", "evidence": "Did it."}, "Choose a level first"),
        ({"level": 3, "evidence": "x" * 1001}, "Keep the evidence to 1000 characters"),
        ({"level": 3, "seq": "soon"}, "The answer counter must be a whole number."),
        ({"level": 3, "seq": -5}, "greater than or equal to 1"),
    ],
    ids=[
        "above-scale",
        "negative",
        "huge",
        "word",
        "fraction",
        "empty",
        "missing",
        "evidence-without-level",
        "evidence-with-empty-level",
        "oversized-evidence",
        "seq-not-integer",
        "seq-negative",
    ],
)
def test_it_refuses_bad_input_and_stores_nothing(
    owner_client, assessment, skill, answered, data, message, headers
):
    response = owner_client.post(rate_url(assessment, skill.slug), {**data}, headers=headers)

    _assert_refused(response, 400, message)
    assert stored(assessment) == answered


def test_the_htmx_refusal_is_a_fragment_with_a_retry_button(owner_client, assessment, skill):
    response = owner_client.post(rate_url(assessment, skill.slug), {"level": 9}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in body
    assert "data-save-error" in body
    assert "Try again" in body


def test_the_plain_refusal_is_a_page_linking_back(owner_client, assessment, skill):
    response = owner_client.post(rate_url(assessment, skill.slug), {"level": 9})

    body = response.content.decode()
    assert "Your answer was not saved" in body
    assert f"{step_url(assessment, skill.category.slug)}#skill-{skill.slug}" in body


def test_the_scale_is_the_pinned_versions(owner_client, owner):
    three_levels = make_ladder(scale=["None", "Aware", "Able", "Expert"], skills=4)
    assessment = AssessmentFactory(user=owner, version=three_levels)

    response = owner_client.post(rate_url(assessment, "skill-0"), {"level": 4}, headers=HTMX)

    _assert_refused(response, 400, "Choose a level from 0 to 3.")
    assert stored(assessment) == {}


def test_it_refuses_a_skill_of_another_version_of_the_same_track(
    owner_client, assessment, answered
):
    newer = make_ladder(track=assessment.track, skills=10)  # adds skill-8 and skill-9
    assert newer.skills.filter(slug="skill-9").exists()

    response = owner_client.post(rate_url(assessment, "skill-9"), {"level": 1}, headers=HTMX)

    _assert_refused(response, 400, "is not a skill of this assessment")
    assert stored(assessment) == answered
    assert not Rating.objects.filter(skill__slug="skill-9").exists()


def test_it_refuses_an_unknown_skill(owner_client, assessment, answered):
    response = owner_client.post(rate_url(assessment, "no-such-skill"), {"level": 1})

    _assert_refused(response, 400, "is not a skill of this assessment")
    assert stored(assessment) == answered


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_it_refuses_answers_to_a_submitted_assessment(owner_client, submitted, headers):
    before = stored(submitted)
    skill = submitted.version.skills.first()

    response = owner_client.post(
        rate_url(submitted, skill.slug), {"level": 5, "seq": 10**16}, headers=headers
    )

    _assert_refused(response, 409, "has been submitted: its answers are locked")
    assert stored(submitted) == before


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
@pytest.mark.parametrize("race", [False, True], ids=["submitted", "submitted-meanwhile"])
def test_a_locked_answer_points_to_the_report_not_to_a_retry(
    owner_client, submitted, headers, race, monkeypatch
):
    skill = submitted.version.skills.first()
    if race:
        # Submitted between the view loading the assessment and the answer being written.
        def submitted_meanwhile(self, answers, sequence):
            raise AssessmentLocked

        Assessment.objects.filter(pk=submitted.pk).update(status="draft", submitted_at=None)
        monkeypatch.setattr(Assessment, "record_answers", submitted_meanwhile)

    response = owner_client.post(rate_url(submitted, skill.slug), {"level": 5}, headers=headers)

    body = response.content.decode()
    assert response.status_code == 409
    assert f'href="{reverse("assessments:report", args=[submitted.pk])}"' in body
    assert "Try again" not in body
    assert "data-retry" not in body


def test_an_answer_submitted_away_between_its_two_statements_is_refused(
    owner_client, assessment, skill, monkeypatch
):
    # The submission lands after "last saved" was touched and before the answer's upsert:
    # the upsert checks the status itself, so the answer is refused and not stored.
    answer_all(assessment)
    before = stored(assessment)
    record = RatingQuerySet.record

    def submitted_first(self, *args, **kwargs):
        Assessment.objects.get(pk=assessment.pk).submit()
        return record(self, *args, **kwargs)

    monkeypatch.setattr(RatingQuerySet, "record", submitted_first)

    response = owner_client.post(rate_url(assessment, skill.slug), {"level": 5}, headers=HTMX)

    assert response.status_code == 409
    assert stored(assessment) == before


def test_the_upsert_alone_never_writes_to_a_submitted_assessment(submitted, skill):
    before = stored(submitted)
    answer = Answer(skill_id=skill.pk, level=5, evidence="late")

    written = Rating.objects.record(submitted, answer, sequence=server_sequence(), now=now())

    assert written is False
    assert stored(submitted) == before


def test_a_stale_page_answering_a_submitted_assessment_is_told_the_stored_answer(
    owner_client, submitted
):
    # The answer was chosen in a tab opened before the assessment was submitted in another:
    # the fragment names the stored level, so the page shows it and not the refused one.
    skill = submitted.version.skills.first()

    response = owner_client.post(rate_url(submitted, skill.slug), {"level": 5}, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-revert data-stored-level="2"' in body  # answer_all() answered 2
    assert stored(submitted)[skill.slug][0] == 2


def test_it_needs_the_csrf_token(owner, assessment, skill):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(rate_url(assessment, skill.slug), {"level": 3}, headers=HTMX)

    assert response.status_code == 403
    assert stored(assessment) == {}


def test_the_csrf_header_that_htmx_sends_is_enough(owner, assessment, skill):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    page = client.get(step_url(assessment, skill.category.slug))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.content.decode()).group(1)

    response = client.post(
        rate_url(assessment, skill.slug),
        {"level": 3},
        headers={**HTMX, "X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert stored(assessment)[skill.slug][0] == 3


def test_the_step_page_wires_each_skill_for_autosave(owner_client, assessment, skill):
    body = owner_client.get(step_url(assessment, skill.category.slug)).content.decode()

    # The skill's fieldset posts its answer when a level changes, and its evidence as it is
    # typed; everything explicit on the element that triggers.
    # The rating URL is given relative to the step's: it resolves to the skill's own.
    step = step_url(assessment, skill.category.slug)
    fieldset = re.search(rf"<fieldset id=skill-{skill.slug} .*?</fieldset>", body, re.S).group(0)
    group = re.search(r"<fieldset[^>]*>", fieldset).group(0)
    post = re.search(r" hx-post=(\S+?)[ >]", group).group(1)
    assert urljoin(step, post) == rate_url(assessment, skill.slug)
    assert 'hx-trigger="change, input delay:800ms from:find textarea"' in group
    assert 'hx-target="find output"' in group
    assert " hx-swap=innerHTML" in group
    assert " hx-sync=this:replace" in group
    evidence = re.search(r"<textarea[^>]*>", fieldset).group(0)
    assert " maxlength=1000 " in evidence
    # The save status: an <output>, whose role is status (a polite live region), one per
    # skill and the fieldset's only one.
    assert fieldset.count("<output>") == 1
    assert "js/autosave.js" in body
    assert "hx-on" not in body
    assert "js:" not in body


# Answer numbers are the server's clock as the page knows it: one from the future would
# outrank every later answer to its skill.


def test_it_refuses_an_answer_numbered_far_ahead_of_the_server_clock(
    owner_client, assessment, skill
):
    url = rate_url(assessment, skill.slug)
    owner_client.post(url, {"level": 1, "seq": 5}, headers=HTMX)

    response = owner_client.post(url, {"level": 5, "seq": 2**63 - 1}, headers=HTMX)

    _assert_refused(response, 400, "numbered ahead of the server clock")
    assert stored(assessment)[skill.slug][:2] == (1, "")


def test_a_refused_future_number_leaves_later_answers_free_to_save(owner_client, assessment, skill):
    url = rate_url(assessment, skill.slug)
    owner_client.post(url, {"level": 5, "seq": 2**63 - 1}, headers=HTMX)

    later = owner_client.post(url, {"level": 2}, headers=HTMX)
    step_save = owner_client.post(
        step_url(assessment, skill.category.slug), {f"{skill.slug}-level": 3}
    )

    assert "Saved: 2 Working" in later.content.decode()
    assert step_save.status_code == 303
    assert stored(assessment)[skill.slug][:2] == (3, "")


def test_the_step_form_says_which_answers_a_newer_one_kept(owner_client, assessment, skill):
    # A newer answer from another tab, numbered by a clock a few seconds ahead (allowed).
    ahead = server_sequence() + 5_000_000
    owner_client.post(rate_url(assessment, skill.slug), {"level": 4, "seq": ahead}, headers=HTMX)

    response = owner_client.post(
        step_url(assessment, skill.category.slug), {f"{skill.slug}-level": 1}, follow=True
    )

    notices = [str(message) for message in response.context["messages"]]
    assert any("except 1 changed meanwhile in another tab" in notice for notice in notices)
    assert not any(
        notice.startswith("Saved your answers on") and "except" not in notice for notice in notices
    )
    assert stored(assessment)[skill.slug][:2] == (4, "")


def test_progress_counts_each_step_and_skips_a_category_without_skills(owner):
    ladder = make_ladder(publish=False)
    steps = list(ladder.categories.order_by("position").values_list("slug", flat=True))
    # A category the editor left empty asks nothing: it is no step of the questionnaire.
    Category.objects.create(version=ladder, slug="empty", name="Empty", position=9)
    ladder.publish()
    assessment = AssessmentFactory(user=owner, version=ladder)
    skill = ladder.skills.select_related("category").order_by("position").first()
    answer = Answer(skill_id=skill.pk, level=2, evidence=None)
    assessment.record_answers([answer], sequence=server_sequence())
    assessment.record_answers([answer], sequence=server_sequence())  # changed, not added

    progress = assessment.progress()

    assert [step.category.slug for step in progress.steps] == steps
    assert (progress.answered, progress.total) == (1, ladder.skills.count())
    assert progress.step(skill.category.slug).answered == 1
