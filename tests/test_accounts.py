"""Accounts: sign up, log in and out, login throttling, password change and reset, the account
page, exporting and deleting one's data."""

import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Assessment, Invitation, Mentorship, Rating, Review
from tests.factories import (
    PASSWORD,
    AssessmentFactory,
    RatingFactory,
    UserFactory,
    make_invitation,
    make_mentorship,
    make_review,
)

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "not-the-password"
NEW_PASSWORD = "quiet-lantern-orbit-47"


def log_in(client: Client, username: str, password: str = PASSWORD, ip: str = "127.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def is_logged_in(client: Client) -> bool:
    return client.get("/accounts/").status_code == 200


def fail_logins(client: Client, username: str, times: int, ip: str = "127.0.0.1") -> list[int]:
    return [log_in(client, username, WRONG_PASSWORD, ip).status_code for _ in range(times)]


def error_codes(response, field: str) -> set[str]:
    return {error.code for error in response.context["form"].errors.as_data().get(field, [])}


# Sign up


def signup_data(**overrides) -> dict[str, str]:
    return {
        "username": "rosalind",
        "email": "rosalind@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def link_in(message, path: str) -> str:
    return re.search(rf"http://testserver({path}\S+/)", message.body).group(1)


def test_signup_creates_an_account_that_works_once_the_emailed_link_is_followed(client, mailoutbox):
    response = client.post("/accounts/signup/", signup_data())

    assert response.status_code == 302
    assert response.url == "/accounts/signup/sent/"
    assert "Check your email" in client.get(response.url).content.decode()
    user = User.objects.get(username="rosalind")
    assert user.email == "rosalind@example.com"
    assert not user.is_active
    assert log_in(Client(), "rosalind", NEW_PASSWORD).status_code == 200  # not yet
    [message] = mailoutbox
    assert message.to == ["rosalind@example.com"]
    assert message.subject == "Confirm your CareerFit account"

    link = link_in(message, "/accounts/confirm/")
    assert "Confirm and log in" in client.get(link).content.decode()
    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed.url == "/assessments/"
    assert is_logged_in(client)
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert log_in(Client(), "rosalind", NEW_PASSWORD).status_code == 302


def test_a_confirmation_link_works_once(client, mailoutbox):
    client.post("/accounts/signup/", signup_data())
    link = link_in(mailoutbox[0], "/accounts/confirm/")
    client.post(link)

    again = Client().post(link)

    assert again.status_code == 400
    assert "This link no longer works" in again.content.decode()


def test_a_forged_confirmation_link_confirms_nothing(client, mailoutbox):
    client.post("/accounts/signup/", signup_data())
    user = User.objects.get(username="rosalind")

    for link in (f"/accounts/confirm/{user.pk}/x-y/", "/accounts/confirm/%%%/x-y/"):
        assert client.post(link).status_code == 400
    user.refresh_from_db()
    assert not user.is_active
    assert not is_logged_in(client)


@pytest.mark.parametrize("email", ["owner@example.com", "Owner@Example.com"])
def test_signup_with_a_taken_email_answers_the_same_and_tells_the_owner(
    client, owner, email, mailoutbox
):
    new = Client().post("/accounts/signup/", signup_data(username="ada", email="ada@example.com"))
    mailoutbox.clear()

    taken = client.post("/accounts/signup/", signup_data(email=email))

    assert (taken.status_code, taken.url) == (new.status_code, new.url)
    assert not User.objects.filter(username="rosalind").exists()
    [message] = mailoutbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "Your CareerFit account"
    assert 'the one with the username "owner"' in message.body
    assert "http://testserver/accounts/login/" in message.body
    # The reset link in the note works: the owner can get back in.
    reset_page = client.get(link_in(message, "/accounts/reset/"), follow=True)
    assert reset_page.context["validlink"]


def test_resetting_the_password_confirms_an_unconfirmed_account(client, mailoutbox):
    client.post("/accounts/signup/", signup_data())
    mailoutbox.clear()

    reset_password_through_email(client, "rosalind@example.com", mailoutbox)

    assert User.objects.get(username="rosalind").is_active
    assert log_in(client, "rosalind", NEW_PASSWORD).status_code == 302


def test_without_a_mail_server_each_message_is_printed_at_once(client, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    client.post("/accounts/signup/", signup_data())

    assert "http://testserver/accounts/confirm/" in capsys.readouterr().out


def test_signup_page_has_labelled_fields_with_autocomplete(client):
    content = client.get("/accounts/signup/").content.decode()

    for name, autocomplete in [
        ("username", "username"),
        ("email", "email"),
        ("password1", "new-password"),
        ("password2", "new-password"),
    ]:
        assert f'<label for="id_{name}"' in content
        assert re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*id="id_{name}"', content)


@pytest.mark.parametrize("username", ["owner", "OWNER"])
def test_signup_rejects_a_taken_username(client, owner, username):
    response = client.post(
        "/accounts/signup/", signup_data(username=username, email="other@example.com")
    )

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


def test_signup_rejects_mismatched_passwords(client):
    response = client.post("/accounts/signup/", signup_data(password2=NEW_PASSWORD + "x"))

    assert error_codes(response, "password2") == {"password_mismatch"}
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Xy7!q", "password_too_short"),
        ("password", "password_too_common"),
        ("8305172946", "password_entirely_numeric"),
        ("rosalind99", "password_too_similar"),
    ],
)
def test_signup_applies_the_password_validators(client, password, code):
    response = client.post("/accounts/signup/", signup_data(password1=password, password2=password))

    assert response.status_code == 200
    assert code in error_codes(response, "password2")
    assert not User.objects.exists()


def test_signup_errors_are_tied_to_their_field(client, owner):
    content = client.post("/accounts/signup/", signup_data(username="owner")).content.decode()

    username_input = re.search(r'<input[^>]*id="id_username"[^>]*>', content).group(0)
    assert 'aria-invalid="true"' in username_input
    assert "id_username_error" in username_input
    assert 'id="id_username_error"' in content
    assert "A user with that username already exists." in content


# Coming back to where one was sent from: `next` through log-in, sign-up and confirmation

NEXT = "/assessments/new/?track=mlops&target_role=mlops-engineer"


def test_signup_carries_next_through_the_confirmation_email(client, mailoutbox):
    response = client.post("/accounts/signup/", {**signup_data(), "next": NEXT})

    assert response.url == "/accounts/signup/sent/?next=" + quote(NEXT, safe="")
    assert "it brings you back to where you were" in client.get(response.url).content.decode()
    link = re.search(r"http://testserver(/accounts/confirm/\S+)", mailoutbox[0].body).group(1)
    assert link.endswith("?next=" + quote(NEXT, safe=""))
    page = client.get(link).content.decode()
    assert f'<input type="hidden" name="next" value="{escape(NEXT)}">' in page

    confirmed = client.post(link)

    assert confirmed.url == NEXT
    assert is_logged_in(client)


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_a_next_leading_off_the_site_is_dropped(client, mailoutbox, elsewhere):
    client.post(f"/accounts/signup/?next={quote(elsewhere)}", signup_data())
    link = re.search(r"http://testserver(/accounts/confirm/\S+)", mailoutbox[0].body).group(1)
    assert "next" not in link

    confirmed = client.post(link + "?next=" + quote(elsewhere, safe=""))

    assert confirmed.url == "/assessments/"


def test_log_in_and_sign_up_pages_link_to_each_other_keeping_next(client):
    encoded = quote(NEXT, safe="/")
    login_page = client.get(f"/accounts/login/?next={quote(NEXT)}").content.decode()
    assert f'href="/accounts/signup/?next={escape(encoded)}"' in login_page
    assert f'<input type="hidden" name="next" value="{escape(NEXT)}">' in login_page

    signup_page = client.get(f"/accounts/signup/?next={quote(NEXT)}").content.decode()
    assert f'href="/accounts/login/?next={escape(encoded)}"' in signup_page
    assert f'<input type="hidden" name="next" value="{escape(NEXT)}">' in signup_page


def test_signed_in_visitors_of_sign_up_go_on_to_next(owner_client):
    response = owner_client.get(f"/accounts/signup/?next={quote(NEXT)}")

    assert response.url == NEXT


def test_an_address_with_an_account_is_sent_a_log_in_link_keeping_next(client, owner, mailoutbox):
    client.post("/accounts/signup/", {**signup_data(email=owner.email), "next": NEXT})

    [message] = mailoutbox
    assert "http://testserver/accounts/login/?next=" + quote(NEXT, safe="") in message.body


# Log in and out


def test_it_logs_in_with_the_right_password(client, owner):
    response = log_in(client, "owner")

    assert response.status_code == 302
    assert response.url == "/assessments/"
    assert is_logged_in(client)


def test_it_follows_next_after_login(client, owner):
    response = client.post(
        "/accounts/login/?next=/accounts/", {"username": "owner", "password": PASSWORD}
    )

    assert response.url == "/accounts/"


def test_it_refuses_a_wrong_password(client, owner):
    response = log_in(client, "owner", WRONG_PASSWORD)

    assert response.status_code == 200
    assert error_codes(response, "__all__") == {"invalid_login"}
    assert 'role="alert"' in response.content.decode()
    assert not is_logged_in(client)


def test_login_page_has_autocomplete_for_password_managers(client):
    content = client.get("/accounts/login/").content.decode()

    assert re.search(r'<input[^>]*autocomplete="username"[^>]*id="id_username"', content)
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="id_password"', content)
    assert 'href="/accounts/password_reset/"' in content


def test_it_changes_the_session_key_at_login(client, owner):
    session = client.session
    session["seen_home"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value

    log_in(client, "owner")

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_login_without_csrf_token_is_forbidden(owner):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")

    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})

    assert response.status_code == 403
    assert not is_logged_in(client)


def test_login_with_csrf_token_works_under_csrf_checks(owner):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302


def test_logout_via_get_does_not_log_out(owner_client):
    response = owner_client.get("/accounts/logout/")

    assert response.status_code == 405
    assert is_logged_in(owner_client)


def test_logout_via_post_logs_out(owner_client):
    response = owner_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/"
    assert not is_logged_in(owner_client)


# Login throttling


def test_it_locks_after_five_failures(client, owner):
    assert fail_logins(client, "owner", 4) == [200, 200, 200, 200]

    locked = log_in(client, "owner", WRONG_PASSWORD)

    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Too many failed attempts. Try again in 15 minutes or" in content
    assert 'href="/accounts/password_reset/"' in content
    assert '<a class="skip-link"' in content  # the site's page, not a bare message


def test_it_refuses_the_right_password_while_locked(client, owner):
    fail_logins(client, "owner", 5)

    response = log_in(client, "owner")

    assert response.status_code == 429
    assert not is_logged_in(client)


def test_lock_applies_to_that_username_only(client, owner, stranger):
    fail_logins(client, "owner", 5)

    assert log_in(client, "stranger").status_code == 302


def test_locked_username_can_still_log_in_from_another_address(owner):
    attacker, victim = Client(), Client()
    fail_logins(attacker, "owner", 5, ip="203.0.113.9")

    response = log_in(victim, "owner", ip="198.51.100.20")

    assert response.status_code == 302
    assert is_logged_in(victim)


def test_lock_lifts_after_the_cool_off(client, owner):
    fail_logins(client, "owner", 5)
    attempts = AccessAttempt.objects.filter(username="owner")

    attempts.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert log_in(client, "owner").status_code == 429

    attempts.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "owner").status_code == 302
    assert is_logged_in(client)


def test_successful_login_resets_the_failure_count(client, owner):
    fail_logins(client, "owner", 4)
    assert log_in(client, "owner").status_code == 302
    client.post("/accounts/logout/")

    assert fail_logins(client, "owner", 4) == [200, 200, 200, 200]
    assert log_in(client, "owner").status_code == 302


# Behind a reverse proxy: every request comes from the proxy's address, the client's is the
# one the proxy appended to X-Forwarded-For.

PROXY = "10.0.0.2"


def log_in_through_proxy(client: Client, username: str, password: str, forwarded_for: str):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.PROXY_COUNT = 1  # as documented for one nginx in front


def test_behind_a_proxy_a_lock_holds_only_for_the_client_that_failed(behind_one_proxy, owner):
    attacker, victim = Client(), Client()
    for _ in range(5):
        log_in_through_proxy(attacker, "owner", WRONG_PASSWORD, "203.0.113.9")

    assert log_in_through_proxy(attacker, "owner", PASSWORD, "203.0.113.9").status_code == 429
    response = log_in_through_proxy(victim, "owner", PASSWORD, "198.51.100.20")
    assert response.status_code == 302
    assert is_logged_in(victim)


def test_behind_a_proxy_a_forged_forwarded_address_neither_frees_nor_frames(
    behind_one_proxy, owner
):
    attacker, victim = Client(), Client()
    # The attacker writes the victim's address first; the proxy appends the attacker's own.
    for _ in range(5):
        log_in_through_proxy(attacker, "owner", WRONG_PASSWORD, "198.51.100.20, 203.0.113.9")

    forged = log_in_through_proxy(attacker, "owner", PASSWORD, "198.51.100.77, 203.0.113.9")
    assert forged.status_code == 429
    assert log_in_through_proxy(victim, "owner", PASSWORD, "198.51.100.20").status_code == 302


def test_without_a_proxy_forwarded_headers_are_ignored(owner):
    client = Client()
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "owner", "password": WRONG_PASSWORD},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    response = client.post(
        "/accounts/login/",
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


# Password spraying: one password tried against many usernames from one address.


def test_one_address_failing_across_many_usernames_is_locked(client, owner):
    codes = [log_in(client, f"someone{n}", WRONG_PASSWORD).status_code for n in range(20)]

    assert codes == [200] * 19 + [429]
    assert log_in(client, "owner").status_code == 429
    assert log_in(Client(), "owner", ip="198.51.100.20").status_code == 302


def test_a_spraying_count_survives_a_log_in_to_ones_own_account(client, owner, stranger):
    for n in range(19):
        log_in(client, f"someone{n}", WRONG_PASSWORD)
    assert log_in(client, "stranger").status_code == 302
    client.post("/accounts/logout/")

    # The twentieth failure from this address locks it, as if no log-in had come between.
    assert log_in(client, "someone-else", WRONG_PASSWORD).status_code == 429
    assert log_in(client, "stranger").status_code == 429


def test_password_reset_lifts_the_lock(client, owner, mailoutbox):
    fail_logins(client, "owner", 5)

    reset_password_through_email(client, "owner@example.com", mailoutbox)

    assert log_in(client, "owner", NEW_PASSWORD).status_code == 302


# Password change


def test_password_change_sets_the_new_password(owner_client, owner):
    response = owner_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == "/accounts/password_change/done/"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert is_logged_in(owner_client)  # the session survives its own password change
    assert owner_client.get(response.url).status_code == 200


def test_password_change_needs_the_old_password(owner_client, owner):
    response = owner_client.post(
        "/accounts/password_change/",
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert error_codes(response, "old_password") == {"password_incorrect"}
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def change_password(client: Client, old_password: str):
    return client.post(
        "/accounts/password_change/",
        {
            "old_password": old_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )


def test_password_change_is_throttled_like_a_log_in(owner_client, owner):
    codes = [change_password(owner_client, WRONG_PASSWORD).status_code for _ in range(5)]

    locked = change_password(owner_client, PASSWORD)

    assert codes == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_password_change_failures_count_towards_the_log_in_lock(owner_client, owner, client):
    for _ in range(5):
        change_password(owner_client, WRONG_PASSWORD)

    assert log_in(client, "owner").status_code == 429


def test_password_change_applies_the_password_validators(owner_client, owner):
    response = owner_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert "password_entirely_numeric" in error_codes(response, "new_password2")
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_password_change_page_has_autocomplete(owner_client):
    content = owner_client.get("/accounts/password_change/").content.decode()

    assert re.search(r'autocomplete="current-password"[^>]*id="id_old_password"', content)
    assert re.search(r'autocomplete="new-password"[^>]*id="id_new_password1"', content)


# Password reset


def reset_password_through_email(client: Client, email: str, mailoutbox) -> None:
    response = client.post("/accounts/password_reset/", {"email": email})
    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/accounts/reset/done/"


def test_reset_email_is_sent_with_a_working_link(client, owner, mailoutbox):
    reset_password_through_email(client, "OWNER@example.com", mailoutbox)

    message = mailoutbox[0]
    assert message.to == ["owner@example.com"]
    assert message.subject == "Reset your CareerFit password"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert log_in(client, "owner", NEW_PASSWORD).status_code == 302


def test_reset_link_works_only_once(client, owner, mailoutbox):
    reset_password_through_email(client, "owner@example.com", mailoutbox)
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)

    response = client.get(link, follow=True)

    assert not response.context["validlink"]
    assert "This link no longer works" in response.content.decode()


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, owner, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    assert mailoutbox == []


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/done/",
        "/accounts/reset/Mg/invalid-token/",
    ],
)
def test_anonymous_account_pages_render_in_the_site_layout(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/",
        "/accounts/password_change/",
        "/accounts/password_change/done/",
        "/accounts/delete/",
    ],
)
def test_logged_in_account_pages_render_in_the_site_layout(owner_client, url):
    response = owner_client.get(url)

    assert response.status_code == 200
    assert "base.html" in [template.name for template in response.templates]


# Account page, export, delete


@pytest.mark.parametrize(
    "url",
    ["/accounts/", "/accounts/export.json", "/accounts/delete/", "/accounts/password_change/"],
)
def test_account_pages_send_anonymous_users_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_account_page_shows_the_user_and_what_they_can_do(owner_client):
    content = owner_client.get("/accounts/").content.decode()

    assert "owner" in content
    assert "owner@example.com" in content
    assert 'href="/accounts/password_change/"' in content
    assert 'href="/accounts/export.json"' in content
    assert "Download my data" in content
    assert 'href="/accounts/delete/"' in content
    assert "Delete my account" in content


def test_export_is_a_json_attachment_named_after_the_user(owner_client):
    response = owner_client.get("/accounts/export.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="careerfit-owner-data.json"'


def test_export_holds_the_profile_and_every_assessment_with_ratings(
    owner_client, owner, assessment, stranger, ladder
):
    skills = list(ladder.skills.order_by("position")[:2])
    RatingFactory(assessment=assessment, skill=skills[0], level=3, evidence="Shipped a pipeline")
    RatingFactory(assessment=assessment, skill=skills[1], level=1)
    submitted = AssessmentFactory(
        user=owner, version=ladder, status="submitted", submitted_at=timezone.now()
    )
    theirs = AssessmentFactory(user=stranger, version=ladder)
    RatingFactory(assessment=theirs, skill=skills[0], evidence="stranger's secret")

    data = owner_client.get("/accounts/export.json").json()

    assert data["profile"]["username"] == "owner"
    assert data["profile"]["email"] == "owner@example.com"
    assert data["profile"]["date_joined"]
    assert "last_login" in data["profile"]
    by_id = {item["id"]: item for item in data["assessments"]}
    assert set(by_id) == {str(assessment.id), str(submitted.id)}
    exported = by_id[str(assessment.id)]
    assert exported["track"] == ladder.track.slug
    assert exported["target_role"] == assessment.target_role.slug
    assert exported["matrix_version"] == ladder.number
    assert exported["status"] == "draft"
    assert exported["created_at"]
    assert exported["submitted_at"] is None
    assert by_id[str(submitted.id)]["status"] == "submitted"
    assert by_id[str(submitted.id)]["submitted_at"]
    ratings = {rating["skill"]: rating for rating in exported["ratings"]}
    assert set(ratings) == {skills[0].slug, skills[1].slug}
    assert ratings[skills[0].slug]["level"] == 3
    assert ratings[skills[0].slug]["evidence"] == "Shipped a pipeline"
    assert ratings[skills[0].slug]["updated_at"]
    assert "stranger" not in json.dumps(data)


def test_export_of_another_user_holds_only_their_data(stranger_client, assessment):
    data = stranger_client.get("/accounts/export.json").json()

    assert data["profile"]["username"] == "stranger"
    assert data["assessments"] == []


@pytest.mark.parametrize("count", [1, 5])
def test_export_query_count_does_not_grow_with_assessments(
    owner_client, owner, count, django_assert_num_queries
):
    mentor = UserFactory(username="mentor")
    make_mentorship(owner, mentor)
    for _ in range(count):
        assessment = AssessmentFactory(user=owner)
        for skill in assessment.version.skills.all():
            RatingFactory(assessment=assessment, skill=skill)
        assessment.submit()
        make_review(assessment, mentor, {"skill-0": 2})
        mentee = UserFactory()
        make_mentorship(mentee, owner)
        theirs = AssessmentFactory(user=mentee, version=assessment.version)
        make_review(theirs, owner, {"skill-1": 3})
        make_invitation(owner, f"{mentee.username}@example.org")

    # session, user, assessments (with track, role, version), their ratings (with skill), the
    # reviews of them (with mentor), those reviews' answers (with skill), invitations,
    # mentorships, reviews written (with assessment, seeker, track), their answers.
    with django_assert_num_queries(10):
        response = owner_client.get("/accounts/export.json")

    data = response.json()
    assert len(data["assessments"]) == count
    assert len(data["reviews_written"]) == count


def test_export_holds_invitations_mentorships_and_reviews_both_ways(owner_client, owner, ladder):
    assessment = AssessmentFactory(user=owner, version=ladder)
    for skill in ladder.skills.all():
        RatingFactory(assessment=assessment, skill=skill, level=2)
    assessment.submit()
    mentor = UserFactory(username="mentor")
    make_mentorship(owner, mentor)
    make_review(assessment, mentor, {"skill-0": (3, "Good")}, note="Well done")
    make_invitation(owner, "later@example.com", message="Hello")
    mentee = UserFactory(username="mentee")
    make_mentorship(mentee, owner, ended=True)
    theirs = AssessmentFactory(user=mentee, version=ladder)
    make_review(theirs, owner, {"skill-1": (1, "Start here")}, submit=False)

    data = owner_client.get("/accounts/export.json").json()

    [received] = data["assessments"][0]["reviews_received"]
    assert received["mentor"] == "mentor"
    assert received["note"] == "Well done"
    assert received["ratings"] == [{"skill": "skill-0", "level": 3, "comment": "Good"}]
    invitations = {i["email"]: i for i in data["invitations_sent"]}
    assert invitations["later@example.com"]["message"] == "Hello"
    assert invitations["later@example.com"]["status"] == "pending"
    assert invitations["mentor@example.com"]["status"] == "accepted"
    roles = {(m["role"], m["with"]): m for m in data["mentorships"]}
    assert roles[("seeker", "mentor")]["ended_at"] is None
    assert roles[("mentor", "mentee")]["ended_by"] == "seeker"
    [written] = data["reviews_written"]
    assert (written["seeker"], written["status"]) == ("mentee", "draft")
    assert written["ratings"] == [{"skill": "skill-1", "level": 1, "comment": "Start here"}]
    assert "mentee@example.com" not in json.dumps(data)  # the mentee's account is theirs


def test_deleting_an_account_deletes_its_mentoring_both_ways(owner_client, owner, ladder):
    seeker = UserFactory(username="seeker")
    theirs = AssessmentFactory(user=seeker, version=ladder)
    for skill in ladder.skills.all():
        RatingFactory(assessment=theirs, skill=skill, level=2)
    theirs.submit()
    make_mentorship(seeker, owner)
    make_review(theirs, owner, {"skill-0": 4})
    mine = AssessmentFactory(user=owner, version=ladder)
    mentor = UserFactory(username="mentor")
    make_mentorship(owner, mentor)
    make_invitation(owner, "pending@example.com")

    page = " ".join(owner_client.get("/accounts/delete/").content.decode().split())
    assert "your invitations and your 2 mentorships" in page
    assert "The 1 review you wrote as a mentor goes too" in page
    owner_client.post("/accounts/delete/", {"password": PASSWORD})

    assert not Mentorship.objects.exists()
    assert not Invitation.objects.filter(seeker__username="owner").exists()
    assert not Review.objects.exists()  # the one they wrote, gone from the seeker's report
    assert Assessment.objects.filter(pk=theirs.pk).exists()
    assert not Assessment.objects.filter(pk=mine.pk).exists()
    assert Invitation.objects.filter(email="owner@example.com").exists()  # the seeker's own


def test_export_refuses_post(owner_client):
    assert owner_client.post("/accounts/export.json").status_code == 405


def test_delete_page_asks_for_the_password(owner_client, assessment):
    response = owner_client.get("/accounts/delete/")

    content = response.content.decode()
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="id_password"', content)
    assert '<label for="id_password"' in content
    assert "1 assessment " in content


def test_delete_with_the_right_password_removes_the_user_and_their_data(
    owner_client, owner, assessment, stranger, ladder
):
    RatingFactory(assessment=assessment)
    theirs = AssessmentFactory(user=stranger, version=ladder)
    RatingFactory(assessment=theirs)

    response = owner_client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Your account and all your assessments have been deleted."
    ]
    assert not User.objects.filter(username="owner").exists()
    assert Assessment.objects.count() == 1
    assert Rating.objects.count() == 1
    assert Assessment.objects.get().user == stranger
    assert not is_logged_in(owner_client)


def test_delete_with_a_wrong_password_deletes_nothing(owner_client, owner, assessment):
    RatingFactory(assessment=assessment)

    response = owner_client.post("/accounts/delete/", {"password": WRONG_PASSWORD})

    assert response.status_code == 200
    assert error_codes(response, "password") == {"password_incorrect"}
    assert 'aria-describedby="id_password_helptext id_password_error"' in response.content.decode()
    assert User.objects.filter(username="owner").exists()
    assert Assessment.objects.count() == 1
    assert Rating.objects.count() == 1
    assert is_logged_in(owner_client)


def test_delete_is_throttled_like_a_log_in(owner_client, owner, assessment):
    codes = [
        owner_client.post("/accounts/delete/", {"password": WRONG_PASSWORD}).status_code
        for _ in range(10)
    ]

    response = owner_client.post("/accounts/delete/", {"password": PASSWORD})

    assert codes[:4] == [200, 200, 200, 200]
    assert set(codes[4:]) == {429}
    assert response.status_code == 429
    assert User.objects.filter(username="owner").exists()
    assert Assessment.objects.count() == 1


def test_delete_needs_login(client, assessment):
    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert Assessment.objects.count() == 1


def test_a_new_user_can_sign_up_after_deleting_with_the_same_username(owner_client, client):
    owner_client.post("/accounts/delete/", {"password": PASSWORD})

    response = client.post(
        "/accounts/signup/", signup_data(username="owner", email="owner@example.com")
    )

    assert response.status_code == 302
    assert User.objects.filter(username="owner").exists()


# In the site's own voice


def test_signup_says_the_password_rules_in_one_sentence_under_the_password(client):
    content = client.get("/accounts/signup/").content.decode()

    rules = (
        "At least 8 characters, not too like your username or email, not a common password, "
        "not only digits."
    )
    assert f'<div class="helptext" id="id_password1_helptext">{rules}</div>' in content
    assert '<label for="id_password2">Password again</label>' in content
    assert '<label for="id_username">Username</label>' in content  # no colon
    assert "Required. 150 characters or fewer" not in content
    assert "<li>Your password" not in content


def test_the_new_password_forms_say_the_same_rules(owner_client, owner, client, mailoutbox):
    change = owner_client.get("/accounts/password_change/").content.decode()
    assert "At least 8 characters, not too like your username" in change
    assert '<label for="id_new_password2">New password again</label>' in change


def test_a_signup_error_sits_with_its_field(client, owner):
    content = client.post("/accounts/signup/", signup_data(username="owner")).content.decode()

    field = re.search(r'<div class="field has-error">.*?<input[^>]*>', content, re.S).group(0)
    assert '<label for="id_username">' in field
    assert "A user with that username already exists." in field


def test_deleting_the_account_looks_destructive(owner_client):
    account = owner_client.get("/accounts/").content.decode()
    delete = owner_client.get("/accounts/delete/").content.decode()

    assert 'class="card stack danger-zone"' in account
    assert 'class="button button-danger-outline" href="/accounts/delete/"' in account
    assert '<button type="submit" class="button button-danger">Delete my account for good' in delete
