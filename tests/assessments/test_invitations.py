"""Inviting a mentor: POST /mentoring/invitations/ (the public contract), the invitation's own
page at /mentoring/invitations/<token>/ where it is accepted, and what happens to a token once
used, expired or withdrawn."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation, Mentorship
from tests.factories import PASSWORD, UserFactory, make_invitation, make_mentorship

pytestmark = pytest.mark.django_db

INVITE_URL = "/mentoring/invitations/"


def invite(client: Client, email: str = "ada@example.com", message: str = "", **headers):
    return client.post(INVITE_URL, {"email": email, "message": message}, headers=headers)


def link_on_page(client: Client) -> str:
    """The invitation link the mentoring page shows for copying (its path)."""
    page = client.get("/mentoring/").content.decode()
    return re.search(r'value="http://testserver(/mentoring/invitations/[\w-]+/)"', page).group(1)


def link_in(message) -> str:
    return re.search(r"http://testserver(/mentoring/invitations/\S+/)", message.body).group(1)


def snapshot() -> list[tuple]:
    """Every invitation and mentorship, to show that a refused request changed nothing."""
    return [
        *Invitation.objects.order_by("pk").values_list(
            "pk", "email", "nonce", "sent_at", "expires_at", "accepted_at", "revoked_at"
        ),
        *Mentorship.objects.order_by("pk").values_list("pk", "mentor_id", "ended_at"),
    ]


# --- Sending -----------------------------------------------------------------------------------


def test_inviting_emails_the_link_the_page_shows_naming_the_seeker_and_message(
    owner_client, mailoutbox
):
    response = invite(owner_client, message="You saw me run the migration last spring.")

    assert response.status_code == 303
    assert response["Location"].startswith("/mentoring/#invitation-")
    [message] = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "owner invites you to be their mentor on CareerFit"
    assert "You saw me run the migration last spring." in message.body
    assert "You would not see their drafts or their account" in message.body
    assert link_in(message) == link_on_page(owner_client)
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=14)


def test_the_link_lasts_as_long_as_the_setting_says(owner_client, settings):
    settings.MENTOR_INVITATION_DAYS = 3

    invite(owner_client)

    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=3)


def test_the_token_is_long_random_and_not_stored(owner_client):
    invite(owner_client)
    invite(owner_client, "bob@example.com")

    first, second = (invitation.token for invitation in Invitation.objects.all())
    assert first != second
    assert len(first) >= 70
    stored = " ".join(map(str, Invitation.objects.values_list(flat=False)))
    assert first[32:] not in stored and second[32:] not in stored


def test_inviting_the_same_address_again_resends_the_same_invitation(
    owner_client, mailoutbox, settings
):
    invite(owner_client, "ada@example.com")
    invitation = Invitation.objects.get()
    link = link_in(mailoutbox[0])
    # An hour and a bit later, in another case.
    Invitation.objects.update(
        sent_at=invitation.sent_at - timedelta(minutes=61),
        expires_at=invitation.expires_at - timedelta(minutes=61),
    )

    response = invite(owner_client, "Ada@Example.com", message="A reminder")

    assert response.status_code == 303
    again = Invitation.objects.get()
    assert again.pk == invitation.pk
    assert again.expires_at > invitation.expires_at - timedelta(minutes=1)
    assert len(mailoutbox) == 2
    assert link_in(mailoutbox[1]) == link  # the first email's link still works
    assert "A reminder" in mailoutbox[1].body


def test_the_same_address_is_emailed_once_an_hour_at_most(owner_client, mailoutbox):
    invite(owner_client)

    response = invite(owner_client)

    assert response.status_code == 303
    assert len(mailoutbox) == 1
    page = owner_client.get(response["Location"]).content.decode()
    assert "less than 60 minutes ago, so we did not send it again" in page
    assert Invitation.objects.count() == 1


def test_an_expired_invitation_sent_again_gets_a_new_link(owner, owner_client, mailoutbox):
    old = make_invitation(
        owner,
        "ada@example.com",
        sent_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    old_link = reverse("mentoring:invitation", args=[old.token])

    invite(owner_client)

    assert Invitation.objects.count() == 1
    new_link = link_in(mailoutbox[0])
    assert new_link != old_link
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link).status_code == 200


def test_a_seeker_may_email_a_limited_number_of_invitations_a_day(
    owner_client, mailoutbox, settings
):
    settings.MENTOR_INVITATIONS_PER_DAY = 3
    for number in range(3):
        assert invite(owner_client, f"mentor{number}@example.com").status_code == 303
    before = snapshot()

    response = invite(owner_client, "one-too-many@example.com")

    assert response.status_code == 429
    assert "You have sent 3 invitations in the last 24 hours" in response.content.decode()
    assert snapshot() == before
    assert len(mailoutbox) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"email": "ada@"}, "Enter a valid email address"),
        ({"email": ""}, "Enter the email address of the person you want as a mentor."),
        ({"email": "owner@example.com"}, "That is your own address"),
        ({"email": "OWNER@example.com"}, "That is your own address"),
        ({"email": "ada@example.com", "message": "x" * 501}, "Keep the message to 500 characters"),
        ({"email": "a" * 250 + "@example.com"}, "Ensure this value has at most 254 characters"),
    ],
    ids=["malformed", "no-domain", "empty", "self", "self-other-case", "long-message", "long"],
)
def test_a_bad_invitation_is_refused_with_a_message_and_sends_nothing(
    owner_client, mailoutbox, data, message
):
    response = owner_client.post(INVITE_URL, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_inviting_a_current_mentor_again_is_refused(owner_client, owner, mentor, mailoutbox):
    before = snapshot()

    response = invite(owner_client, mentor.email)

    assert response.status_code == 400
    assert "mentor, at that address, is already your mentor." in response.content.decode()
    assert snapshot() == before
    assert mailoutbox == []


def test_inviting_needs_a_login_and_a_post(client, owner_client):
    assert client.post(INVITE_URL, {"email": "ada@example.com"}).status_code == 302
    assert owner_client.get(INVITE_URL).status_code == 405
    assert not Invitation.objects.exists()


# --- The invitation page -----------------------------------------------------------------------


@pytest.fixture
def pending(owner):
    return make_invitation(owner, "ada@example.com", message="Be my mentor?")


def page_of(invitation: Invitation) -> str:
    return reverse("mentoring:invitation", args=[invitation.token])


def test_the_invitation_says_who_invites_and_what_a_mentor_sees(client, pending):
    response = client.get(page_of(pending))

    body = response.content.decode()
    assert response.status_code == 200
    assert "owner invites you to be their mentor" in body
    assert "Be my mentor?" in body
    assert "owner&#x27;s submitted assessments and their reports" in body
    assert "Never sees</strong> drafts" in body
    assert "account details (email address, password)" in body
    assert "owner@example.com" not in body  # nothing of the seeker's account
    assert '<meta name="robots" content="noindex">' in body


def test_an_anonymous_visitor_logs_in_and_comes_back_to_accept(client, pending, mailoutbox):
    link = page_of(pending)
    body = client.get(link).content.decode()
    assert f'href="/accounts/login/?next={quote(link, safe="")}"' in body
    assert f'href="/accounts/signup/?next={quote(link, safe="")}"' in body
    ada = UserFactory(username="ada", email="ada@example.com")

    logged_in = client.post(
        f"/accounts/login/?next={quote(link)}", {"username": "ada", "password": PASSWORD}
    )
    assert logged_in.url == link
    accepted = client.post(link)

    assert accepted.status_code == 303
    assert accepted["Location"] == "/mentoring/#mentees"
    assert Mentorship.objects.get().mentor == ada
    [message] = mailoutbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "ada is now your mentor on CareerFit"


def test_an_anonymous_visitor_signs_up_confirms_and_comes_back_to_accept(
    client, pending, mailoutbox
):
    link = page_of(pending)
    signup = {
        "username": "ada",
        "email": "ada@example.com",
        "password1": "quiet-lantern-orbit-47",
        "password2": "quiet-lantern-orbit-47",
    }

    client.post(f"/accounts/signup/?next={quote(link)}", signup)
    confirm = re.search(r"http://testserver(/accounts/confirm/\S+)", mailoutbox[0].body).group(1)
    confirmed = client.post(confirm)

    assert confirmed.url == link
    assert "Accept: become owner's mentor" in client.get(link).content.decode()
    assert client.post(link).status_code == 303
    assert Mentorship.objects.get().mentor.username == "ada"


def test_an_anonymous_post_accepts_nothing_and_leads_to_log_in(client, pending):
    response = client.post(page_of(pending))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page_of(pending)}"
    assert not Mentorship.objects.exists()
    assert Invitation.objects.get().accepted_at is None


def test_opening_the_link_changes_nothing(stranger_client, pending):
    before = snapshot()

    stranger_client.get(page_of(pending))

    assert snapshot() == before


def test_accepting_makes_the_accepting_user_the_mentor_whatever_address_was_invited(
    stranger_client, stranger, pending, owner
):
    # The link may travel by chat: whoever holds it accepts with their own account.
    response = stranger_client.post(page_of(pending))

    assert response.status_code == 303
    mentorship = Mentorship.objects.get()
    assert (mentorship.seeker, mentorship.mentor) == (owner, stranger)
    assert mentorship.invitation == pending
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == stranger
    assert invitation.status == Invitation.Status.ACCEPTED


def test_the_seeker_cannot_accept_their_own_invitation(owner_client, pending):
    page = owner_client.get(page_of(pending)).content.decode()
    assert "This is your own invitation" in page
    assert "Accept: become" not in page
    before = snapshot()

    response = owner_client.post(page_of(pending))

    assert response.status_code == 400
    assert "This is your own invitation" in response.content.decode()
    assert snapshot() == before


def test_accepting_when_already_their_mentor_uses_the_invitation_and_changes_nothing_else(
    owner, mentor, mentor_client
):
    second = make_invitation(owner, "mentor-at-work@example.com")

    response = mentor_client.post(page_of(second))

    assert response.status_code == 303
    assert Mentorship.objects.active().filter(seeker=owner, mentor=mentor).count() == 1
    second.refresh_from_db()
    assert second.status == Invitation.Status.ACCEPTED
    body = mentor_client.get("/mentoring/").content.decode()
    assert "You were already owner&#x27;s mentor" in body


# --- Dead tokens -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_used_token_is_gone_and_replaying_it_changes_nothing(
    stranger_client, pending, method, owner
):
    stranger_client.post(page_of(pending))
    latecomer = UserFactory(username="latecomer")
    late_client = Client()
    late_client.force_login(latecomer)
    before = snapshot()

    response = getattr(late_client, method)(page_of(pending))

    assert response.status_code == 410
    assert "It has been accepted already" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_token_is_gone(stranger_client, pending, method):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = snapshot()

    response = getattr(stranger_client, method)(page_of(pending))

    assert response.status_code == 410
    assert "It has expired" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_withdrawn_token_is_gone(owner_client, stranger_client, pending, method):
    owner_client.post(reverse("mentoring:invitation_revoke", args=[pending.pk]))
    before = snapshot()

    response = getattr(stranger_client, method)(page_of(pending))

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert snapshot() == before


def tampered(token: str) -> list[str]:
    last = "A" if token[-1] != "A" else "B"
    return [
        token[:-1] + last,  # a different MAC
        token[:32] + "x" * 43,
        "0" * 32 + token[32:],  # another id with this MAC
        token[:-5],  # cut short
        "not-a-token",
        "x" * 500,
    ]


@pytest.mark.parametrize("variant", range(6))
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_token_is_not_found_and_changes_nothing(stranger_client, pending, variant, method):
    url = reverse("mentoring:invitation", args=[tampered(pending.token)[variant]])
    before = snapshot()

    response = getattr(stranger_client, method)(url)

    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert snapshot() == before


def test_a_token_made_under_an_old_secret_key_still_works_while_it_is_a_fallback(
    client, pending, settings
):
    link = page_of(pending)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    assert client.get(link).status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(link).status_code == 404


# --- Withdrawing -------------------------------------------------------------------------------


def test_the_seeker_withdraws_a_pending_invitation(owner_client, pending):
    response = owner_client.post(reverse("mentoring:invitation_revoke", args=[pending.pk]))

    assert response.status_code == 303
    assert Invitation.objects.get().status == Invitation.Status.REVOKED
    page = owner_client.get(response["Location"]).content.decode()
    assert "Invitation to ada@example.com withdrawn: its link no longer works." in page
    assert f'id="invitation-{pending.pk}"' not in page


def test_only_the_seeker_withdraws_their_invitation(stranger_client, mentor_client, pending):
    url = reverse("mentoring:invitation_revoke", args=[pending.pk])
    before = snapshot()

    assert stranger_client.post(url).status_code == 404
    assert mentor_client.post(url).status_code == 404
    assert snapshot() == before


def test_a_seeker_can_have_several_mentors_and_a_mentor_several_mentees(owner, stranger):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    for seeker in (owner, stranger):
        for mentor in (ada, bob):
            make_mentorship(seeker, mentor)

    assert Mentorship.objects.active().filter(seeker=owner).count() == 2
    assert Mentorship.objects.active().filter(mentor=ada).count() == 2
