"""Many simultaneous autosaves over real HTTP against a live server: one row per answer, the
newest answer (highest sequence) kept, no server error, no "database is locked"."""

from __future__ import annotations

import random
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from assessments.models import Assessment, Rating
from tests.assessments.conftest import rate_url
from tests.factories import AssessmentFactory, UserFactory, make_ladder

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16
REQUESTS_PER_THREAD = 6


@dataclass(frozen=True)
class Sent:
    level: int
    seq: int
    status: int
    body: str


class Browser:
    """A logged-in session speaking plain HTTP, the way htmx does: session cookie, CSRF
    cookie and the X-CSRFToken header."""

    def __init__(self, base_url: str, user) -> None:
        client = Client()
        client.force_login(user)
        self.base_url = base_url
        self.csrf = get_random_string(32)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={self.csrf}"

    def post(self, path: str, data: dict) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base_url + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={
                "Cookie": self.cookie,
                "X-CSRFToken": self.csrf,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def _in_parallel(work, threads: int = THREADS) -> list:
    """Run work(thread_number) in `threads` threads released at the same moment."""
    start = threading.Barrier(threads)
    results: list = [None] * threads
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            start.wait()
            results[number] = work(number)
        except BaseException as error:  # reported in the test thread
            errors.append(error)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    return results


@pytest.fixture
def setup(live_server):
    user = UserFactory()
    assessment = AssessmentFactory(user=user, version=make_ladder(skills=8))
    return Browser(live_server.url, user), assessment


def _assert_no_server_trouble(sent: list[Sent]) -> None:
    assert [s for s in sent if s.status != 200] == []
    assert not any("database is locked" in s.body for s in sent)


def test_simultaneous_saves_of_one_answer_keep_the_newest(setup):
    browser, assessment = setup
    skill = assessment.version.skills.first()
    url = rate_url(assessment, skill.slug)
    # Distinct sequences, shuffled so that the newest is not sent last.
    sequences = random.sample(range(10**15, 10**15 + 10**6), THREADS * REQUESTS_PER_THREAD)

    def save(number: int) -> list[Sent]:
        sent = []
        for i in range(REQUESTS_PER_THREAD):
            seq = sequences[number * REQUESTS_PER_THREAD + i]
            level = random.randint(0, 5)
            status, body = browser.post(url, {"level": level, "seq": seq, "evidence": f"{seq}"})
            sent.append(Sent(level, seq, status, body))
        return sent

    sent = [s for batch in _in_parallel(save) for s in batch]

    _assert_no_server_trouble(sent)
    ratings = list(Rating.objects.filter(assessment=assessment, skill=skill))
    assert len(ratings) == 1
    newest = max(sent, key=lambda s: s.seq)
    assert (ratings[0].level, ratings[0].sequence) == (newest.level, newest.seq)
    assert ratings[0].evidence == str(newest.seq)


def test_simultaneous_answers_to_different_skills_are_all_kept(setup):
    browser, assessment = setup
    skills = list(assessment.version.skills.order_by("position"))

    def save(number: int) -> Sent:
        skill = skills[number % len(skills)]
        level = number % 6
        status, body = browser.post(rate_url(assessment, skill.slug), {"level": level})
        return Sent(level, 0, status, body)

    sent = _in_parallel(save, threads=len(skills))

    _assert_no_server_trouble(sent)
    stored = dict(
        Rating.objects.filter(assessment=assessment).values_list("skill__position", "level")
    )
    assert stored == {skill.position: n % 6 for n, skill in enumerate(skills)}


def test_no_answer_changes_after_a_simultaneous_submit(setup):
    browser, assessment = setup
    skills = list(assessment.version.skills.all())
    Rating.objects.bulk_create(Rating(assessment=assessment, skill=s, level=1) for s in skills)
    submit_url = f"/assessments/{assessment.pk}/submit/"

    def act(number: int) -> Sent:
        if number == 0:
            status, body = browser.post(submit_url, {})
            return Sent(-1, 0, status, body)
        skill = skills[number % len(skills)]
        status, body = browser.post(rate_url(assessment, skill.slug), {"level": 4})
        return Sent(4, 0, status, body)

    sent = _in_parallel(act)

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert sent[0].status in (200, 303)  # urllib follows the redirect to the report
    answers = sent[1:]
    assert {s.status for s in answers} <= {200, 409}
    assert not any("database is locked" in s.body for s in sent)
    # Every answer accepted landed before the submission; none after it.
    late = Rating.objects.filter(assessment=assessment, updated_at__gt=assessment.submitted_at)
    assert not late.exists()
