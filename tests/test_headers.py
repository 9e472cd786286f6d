"""Security headers on every page, as production sends them, and no caching of pages that
hold personal data."""

import pytest
from django.conf import settings

from assessments.models import Assessment
from tests.assessments.conftest import answer_all
from tests.assessments.worked_example import worked_example
from tests.factories import make_invitation

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/roles/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
]


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def private_pages(assessment: Assessment) -> list[str]:
    base = f"/assessments/{assessment.pk}"
    first_step = assessment.version.categories.order_by("position").first().slug
    return [
        "/assessments/",
        f"{base}/steps/{first_step}/",
        f"{base}/submit/",
        f"{base}/report/",
        f"{base}/report.json",
        f"{base}/report.csv",
        f"/assessments/progress/{assessment.track.slug}/",
        "/accounts/",
        "/accounts/export.json",
        "/accounts/delete/",
        "/accounts/password_change/",
        "/mentoring/",
        "/mentoring/cohort/",
    ]


def assert_strict_policy(response) -> None:
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    everything = " ".join(value for values in directives.values() for value in values)
    assert "unsafe-inline" not in everything
    assert "unsafe-eval" not in everything
    assert "*" not in everything


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_the_security_headers(client, ladder, url):
    response = client.get(url, secure=True)

    assert response.status_code == 200
    assert_strict_policy(response)
    hsts = response["Strict-Transport-Security"]
    assert f"max-age={settings.SECURE_HSTS_SECONDS}" in hsts
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000
    assert "includeSubDomains" in hsts
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_every_private_page_carries_the_headers_and_is_never_cached(owner_client, assessment):
    answer_all(assessment)
    for url in private_pages(assessment):
        response = owner_client.get(url, secure=True)

        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert "Strict-Transport-Security" in response, url
        assert "Permissions-Policy" in response, url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, url


def test_the_submitted_report_and_its_exports_are_never_cached(owner_client, assessment):
    answer_all(assessment)
    assessment.submit()
    for suffix in ("report/", "report.json", "report.csv"):
        response = owner_client.get(f"/assessments/{assessment.pk}/{suffix}")

        assert "no-store" in response["Cache-Control"], suffix


def test_a_mentors_pages_and_an_invitation_are_never_cached(owner, mentor_client, client):
    assessment = worked_example(owner)
    invitation = make_invitation(owner, "someone@example.com")
    for url in (
        f"/assessments/{assessment.pk}/report/",
        f"/assessments/{assessment.pk}/review/",
        f"/assessments/{assessment.pk}/review/steps/technical/",
    ):
        response = mentor_client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert "no-store" in response["Cache-Control"], url
    # The token is in the address: not even an anonymous visitor's copy is kept.
    response = client.get(f"/mentoring/invitations/{invitation.token}/", secure=True)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert "no-store" in response["Cache-Control"]


def test_public_pages_may_be_cached_for_anonymous_visitors(client, ladder):
    response = client.get("/roles/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/roles/")
    assert response.status_code == 301
    assert response.url == "https://testserver/roles/"
    assert client.get("/healthz").status_code == 200
