"""Mail in production leaves on a background thread after the response: the password reset
then does the same work in the request for a known and an unknown address."""

import threading

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careerfit import mail
from tests.factories import UserFactory

SENDERS: list[str] = []


class RecordingBackend(LocmemBackend):
    """The test backend, noting which thread sent each message."""

    def send_messages(self, messages):
        SENDERS.extend(threading.current_thread().name for _ in messages)
        return super().send_messages(messages)


@pytest.fixture
def mail_in_background(settings):
    settings.EMAIL_IN_BACKGROUND = True
    settings.EMAIL_BACKEND = "tests.test_mail.RecordingBackend"
    SENDERS.clear()
    yield
    mail.wait_for_pending(timeout=10)


def request_reset(client, email: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/password_reset/", {"email": email})
    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    return [query["sql"] for query in queries]


@pytest.mark.django_db(transaction=True)
def test_a_reset_is_sent_off_the_request_path(client, mail_in_background, mailoutbox):
    UserFactory(username="owner")

    request_reset(client, "owner@example.com")
    mail.wait_for_pending(timeout=10)

    [message] = mailoutbox
    assert message.to == ["owner@example.com"]
    assert "/accounts/reset/" in message.body
    assert SENDERS and all(name.startswith("mail") for name in SENDERS)
    assert threading.current_thread().name not in SENDERS


@pytest.mark.django_db(transaction=True)
def test_a_reset_does_the_same_work_in_the_request_for_known_and_unknown_addresses(
    client, mail_in_background, mailoutbox
):
    UserFactory(username="owner")

    known = request_reset(client, "owner@example.com")
    unknown = request_reset(client, "nobody@example.com")
    mail.wait_for_pending(timeout=10)

    # Nothing about the address is looked up while the person waits.
    assert known == unknown == []
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_sign_up_mail_is_sent_off_the_request_path(client, mail_in_background, mailoutbox):
    client.post(
        "/accounts/signup/",
        {
            "username": "rosalind",
            "email": "rosalind@example.com",
            "password1": "quiet-lantern-orbit-47",
            "password2": "quiet-lantern-orbit-47",
        },
    )
    mail.wait_for_pending(timeout=10)

    assert [message.subject for message in mailoutbox] == ["Confirm your CareerFit account"]
    assert all(name.startswith("mail") for name in SENDERS)
