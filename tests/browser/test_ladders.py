"""Browsing the ladders in a real browser, on a desktop and a phone."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.conftest import axe_violations, page_has_no_horizontal_scroll
from tests.factories import make_ladder

MLOPS_LADDER = settings.BASE_DIR / "roles" / "ladders" / "mlops.yaml"

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_browses_from_home_to_a_role(page):
    version = make_ladder(skills=12, roles=3)
    page.goto("/")
    page.get_by_role("link", name=version.track.name).first.click()
    page.get_by_role("link", name="Role 2").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Role 2")
    assert page.get_by_text("Skill 0").first.is_visible()


def test_ladder_pages_fit_a_phone_and_pass_an_accessibility_scan(phone_page):
    version = make_ladder(skills=12, roles=3)
    for url in (
        "/",
        "/roles/",
        f"/roles/{version.track.slug}/",
        f"/roles/{version.track.slug}/role-2/",
    ):
        phone_page.goto(url)
        assert page_has_no_horizontal_scroll(phone_page), url
        assert axe_violations(phone_page) == [], url


def test_the_shipped_director_page_shows_its_declared_drops_on_a_phone(phone_page):
    call_command("import_matrix", str(MLOPS_LADDER), publish=True, stdout=io.StringIO())

    phone_page.goto("/roles/mlops/director-of-mlops/")

    drops = phone_page.locator(".not-assessed")
    assert drops.count() == 2
    assert drops.first.inner_text().startswith("Not assessed at this rung: R, Scala,")
    assert drops.first.is_visible()
    assert page_has_no_horizontal_scroll(phone_page)
    assert axe_violations(phone_page) == []
