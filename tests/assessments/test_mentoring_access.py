"""Who may reach what: every mentoring, review and report URL, GET and POST, with and without
htmx, for each persona (DESIGN.md "Actors"): the seeker who owns it, their accepted mentor, a
mentor of someone else, someone with a pending invitation, a revoked mentor, staff, and an
anonymous visitor. Only what DESIGN allows answers 2xx/3xx; the rest is a 404 (anonymous
visitors are sent to log in), and a refused request changes nothing.

Then the catalogue of bad input, each refused with a readable message and nothing changed."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Assessment, Invitation, Mentorship, Rating, Review, ReviewRating
from tests.assessments.conftest import HTMX
from tests.assessments.worked_example import worked_example
from tests.factories import AssessmentFactory, make_invitation, make_mentorship, make_review

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "mentor", "other_mentor", "invitee", "revoked_mentor", "staff", "anonymous"]
LOGIN = "login"


@pytest.fixture
def world(owner, mentor, other_mentor, invitee, revoked_mentor, admin_user):
    submitted = worked_example(owner)
    draft = AssessmentFactory(
        user=owner, version=submitted.version, target_role=submitted.target_role
    )
    return SimpleNamespace(
        submitted=submitted,
        draft=draft,
        mentorship=Mentorship.objects.get(mentor=mentor),
        invitation=Invitation.objects.get(email=invitee.email),
    )


def client_for(request, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    return request.getfixturevalue("admin_client" if persona == "staff" else f"{persona}_client")


def state() -> list:
    """Everything a request could change, to show a refused one changed nothing."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Assessment, Rating, Review, ReviewRating, Mentorship, Invitation)
    ]


def a(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def m(name: str, *args) -> str:
    return reverse(f"mentoring:{name}", args=args)


# (id, method, url(world), data, who gets what: persona -> status, "login" or (plain, htmx);
# every persona not named gets a 404, and anonymous visitors are sent to log in unless named).
CASES = [
    ("mentoring-page", "get", lambda w: m("index"), {}, {p: 200 for p in PERSONAS[:-1]}),
    ("cohort", "get", lambda w: m("cohort"), {}, {p: 200 for p in PERSONAS[:-1]}),
    (
        "invite",
        "post",
        lambda w: m("invite"),
        {"email": "someone@example.com"},
        {p: 303 for p in PERSONAS[:-1]},
    ),
    (
        "invitation",
        "get",
        lambda w: m("invitation", w.invitation.token),
        {},
        dict.fromkeys(PERSONAS, 200),
    ),
    (
        "invitation-accept",
        "post",
        lambda w: m("invitation", w.invitation.token),
        {},
        {"owner": 400, **{p: 303 for p in PERSONAS[1:-1]}},
    ),
    (
        "invitation-withdraw",
        "post",
        lambda w: m("invitation_revoke", w.invitation.pk),
        {},
        {"owner": 303},
    ),
    ("end-ask", "get", lambda w: m("end", w.mentorship.pk), {}, {"owner": 200, "mentor": 200}),
    ("end", "post", lambda w: m("end", w.mentorship.pk), {}, {"owner": 303, "mentor": 303}),
    ("report", "get", lambda w: a("report", w.submitted.pk), {}, {"owner": 200, "mentor": 200}),
    (
        "report-json",
        "get",
        lambda w: a("report_json", w.submitted.pk),
        {},
        {"owner": 200, "mentor": 200},
    ),
    (
        "report-csv",
        "get",
        lambda w: a("report_csv", w.submitted.pk),
        {},
        {"owner": 200, "mentor": 200},
    ),
    ("draft-report", "get", lambda w: a("report", w.draft.pk), {}, {"owner": 200}),
    ("draft-json", "get", lambda w: a("report_json", w.draft.pk), {}, {"owner": 200}),
    ("draft-csv", "get", lambda w: a("report_csv", w.draft.pk), {}, {"owner": 200}),
    ("review", "get", lambda w: a("review", w.submitted.pk), {}, {"mentor": 200}),
    ("review-note", "post", lambda w: a("review", w.submitted.pk), {"note": "n"}, {"mentor": 303}),
    (
        "review-step",
        "get",
        lambda w: a("review_step", w.submitted.pk, "technical"),
        {},
        {"mentor": 200},
    ),
    (
        "review-step-save",
        "post",
        lambda w: a("review_step", w.submitted.pk, "technical"),
        {"python-level": 3},
        {"mentor": 303},
    ),
    (
        "review-rate",
        "post",
        lambda w: a("review_rate", w.submitted.pk, "python"),
        {"level": 3},
        {"mentor": (303, 200)},
    ),
    (
        "review-submit",
        "post",
        lambda w: a("review_submit", w.submitted.pk),
        {"note": "n"},
        {"mentor": 303},
    ),
    ("draft-review", "get", lambda w: a("review", w.draft.pk), {}, {}),
    ("draft-review-step", "get", lambda w: a("review_step", w.draft.pk, "technical"), {}, {}),
    (
        "draft-review-rate",
        "post",
        lambda w: a("review_rate", w.draft.pk, "python"),
        {"level": 3},
        {},
    ),
    ("draft-review-submit", "post", lambda w: a("review_submit", w.draft.pk), {"note": "n"}, {}),
    ("ask-for-review", "post", lambda w: a("ask_review", w.submitted.pk), {}, {"owner": 303}),
    # The seeker's own pages: never a mentor's.
    ("resume", "get", lambda w: a("resume", w.draft.pk), {}, {"owner": 302}),
    ("step", "get", lambda w: a("step", w.draft.pk, "technical"), {}, {"owner": 200}),
    (
        "rate",
        "post",
        lambda w: a("rate", w.draft.pk, "python"),
        {"level": 1},
        {"owner": (303, 200)},
    ),
    (
        "rate-submitted",
        "post",
        lambda w: a("rate", w.submitted.pk, "python"),
        {"level": 1},
        {"owner": 409},
    ),
    ("submit", "post", lambda w: a("submit", w.submitted.pk), {}, {"owner": 303}),
]


def check(request, world, persona, method, url, data, allowed, headers) -> None:
    client = client_for(request, persona)
    before = state()

    response = getattr(client, method)(url(world), data, headers=headers)

    expected = allowed.get(persona, LOGIN if persona == "anonymous" else 404)
    if isinstance(expected, tuple):
        expected = expected[1 if headers else 0]
    where = f"{persona} {method.upper()} {url(world)} {headers}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"].startswith("/accounts/login/?next="), where
    else:
        assert response.status_code == expected, where
    if expected in (LOGIN, 404) or method == "get":
        assert state() == before, where
    if response.status_code == 404:
        # Nothing of the seeker leaks into the refusal.
        assert b"owner" not in response.content.split(b"<main")[-1], where


GETS = [case for case in CASES if case[1] == "get"]
POSTS = [case for case in CASES if case[1] == "post"]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), [c[1:] for c in GETS], ids=[c[0] for c in GETS]
)
def test_only_what_design_allows_answers_a_get(request, world, method, url, data, allowed, headers):
    # A GET changes nothing (checked): one world serves every persona.
    for persona in PERSONAS:
        check(request, world, persona, method, url, data, allowed, headers)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), [c[1:] for c in POSTS], ids=[c[0] for c in POSTS]
)
def test_only_what_design_allows_answers_a_post(
    request, world, persona, method, url, data, allowed, headers
):
    check(request, world, persona, method, url, data, allowed, headers)


def test_a_mentor_can_never_see_drafts(mentor_client, world):
    body = mentor_client.get("/mentoring/").content.decode()

    assert str(world.submitted.pk) in body  # the mentee's submitted assessment is listed
    assert str(world.draft.pk) not in body
    assert mentor_client.get(a("report", world.draft.pk)).status_code == 404


# --- The bad input catalogue -------------------------------------------------------------------


def test_a_level_outside_the_scale(mentor_client, world):
    before = state()
    for level in (6, -1, 99):
        response = mentor_client.post(
            a("review_rate", world.submitted.pk, "python"), {"level": level}
        )
        assert response.status_code == 400
        assert "Choose a level from 0 to 5." in response.content.decode()
    assert state() == before


def test_an_unknown_skill(mentor_client, world):
    before = state()
    response = mentor_client.post(a("review_rate", world.submitted.pk, "cooking"), {"level": 2})
    assert response.status_code == 400
    assert "“cooking” is not a skill of this assessment" in response.content.decode()
    assert state() == before


def test_a_review_on_a_draft(mentor_client, world):
    before = state()
    for url, data in [
        (a("review_rate", world.draft.pk, "python"), {"level": 2}),
        (a("review_step", world.draft.pk, "technical"), {"python-level": 2}),
        (a("review", world.draft.pk), {"note": "x"}),
        (a("review_submit", world.draft.pk), {"note": "x"}),
    ]:
        assert mentor_client.post(url, data).status_code == 404
    assert state() == before


def test_a_review_after_submit(mentor, mentor_client, world):
    make_review(world.submitted, mentor, {"python": 3}, note="Done")
    before = state()
    for url, data in [
        (a("review_rate", world.submitted.pk, "python"), {"level": 2}),
        (a("review_step", world.submitted.pk, "technical"), {"python-level": 2}),
        (a("review", world.submitted.pk), {"note": "changed"}),
    ]:
        response = mentor_client.post(url, data)
        assert response.status_code == 409
        assert "You have submitted this review: it is locked." in response.content.decode()
    assert (
        mentor_client.post(a("review_submit", world.submitted.pk), {"note": "again"}).status_code
        == 303
    )
    assert state() == before


def test_a_comment_over_its_limit(mentor_client, world):
    before = state()
    response = mentor_client.post(
        a("review_rate", world.submitted.pk, "python"),
        {"level": 2, "comment": "x" * 1001},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "Keep the comment to 1000 characters (this one has 1001)." in response.content.decode()
    assert state() == before


def test_a_forged_mentorship_id(owner_client, mentor_client, other_mentor, stranger, world):
    theirs = Mentorship.objects.get(mentor=other_mentor)
    before = state()
    for client in (owner_client, mentor_client):
        for mentorship_id in (uuid.uuid4(), theirs.pk):
            assert client.get(m("end", mentorship_id)).status_code == 404
            assert client.post(m("end", mentorship_id)).status_code == 404
    assert owner_client.post("/mentoring/not-a-uuid/revoke/").status_code == 404
    assert state() == before


def test_a_token_replay(invitee_client, stranger_client, world):
    link = m("invitation", world.invitation.token)
    assert invitee_client.post(link).status_code == 303
    before = state()

    replay = stranger_client.post(link)

    assert replay.status_code == 410
    assert "It has been accepted already" in replay.content.decode()
    assert state() == before


def test_a_self_invite(owner_client, world, mailoutbox):
    before = state()
    response = owner_client.post(m("invite"), {"email": "owner@example.com"})
    assert response.status_code == 400
    assert "That is your own address" in response.content.decode()
    assert state() == before
    assert mailoutbox == []


def test_an_invite_to_a_malformed_email(owner_client, world, mailoutbox):
    before = state()
    for email in ("owner", "owner@", "@example.com", "a b@example.com", "<script>@x.y"):
        response = owner_client.post(m("invite"), {"email": email})
        assert response.status_code == 400
        assert "Enter a valid email address" in response.content.decode()
    assert state() == before
    assert mailoutbox == []


def test_accepting_as_the_inviter(owner_client, world):
    before = state()
    response = owner_client.post(m("invitation", world.invitation.token))
    assert response.status_code == 400
    assert "This is your own invitation" in response.content.decode()
    assert state() == before


def test_mentoring_oneself_is_impossible_even_in_the_database(owner):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(seeker=owner, mentor=owner)


def test_a_second_active_mentorship_of_the_same_pair_is_impossible(owner, mentor):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(seeker=owner, mentor=mentor)
    # Ended ones do not count: a new invitation may start it again.
    Mentorship.objects.filter(mentor=mentor).update(ended_at="2020-01-01T00:00:00Z")
    assert make_mentorship(owner, mentor).is_active
    assert make_invitation(owner, "x@example.com").is_pending
