"""The account pages in a real browser: at 1280 and 320 px, with errors showing, through an
accessibility scan of every impact."""

import re

import pytest

from tests.browser.conftest import (
    ALL_IMPACTS,
    axe_violations,
    page_has_no_horizontal_scroll,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def expect(actual):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(actual)


def _scan(page, url: str) -> None:
    assert page_has_no_horizontal_scroll(page), url
    assert axe_violations(page, impacts=ALL_IMPACTS) == [], url


@pytest.mark.parametrize("width", [1280, 320])
def test_the_account_pages_pass_an_accessibility_scan(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    user = UserFactory()
    for url in ("/accounts/signup/", "/accounts/login/", "/accounts/password_reset/"):
        page.goto(url)
        _scan(page, url)

    # Errors showing, each with its field.
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Email").fill("someone@example.com")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("shorter")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("A user with that username already exists.")).to_be_visible()
    _scan(page, "signup with errors")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    _scan(page, "login with an error")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My assessments")
    for url in ("/accounts/", "/accounts/password_change/", "/accounts/delete/"):
        page.goto(url)
        _scan(page, url)
    delete = page.get_by_role("button", name=re.compile("^Delete my account"))
    assert delete.evaluate("(b) => getComputedStyle(b).backgroundColor") == "rgb(142, 28, 28)"
