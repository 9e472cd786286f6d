"""The admin in a real browser: branded, and through an accessibility scan."""

import pytest

from tests.browser.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory, make_ladder

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_branded_admin_passes_an_accessibility_scan(page):
    make_ladder(skills=4, roles=2)
    user = UserFactory(is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="CareerFit administration").wait_for()
    for url in ("/admin/", "/admin/roles/", "/admin/roles/track/", "/admin/auth/user/"):
        page.goto(url)
        # The breadcrumbs' links are underlined: told apart from their sentence by more than
        # colour, as the admin's colours change (link-in-text-block).
        assert axe_violations(page) == [], url
