"""Who may use the matrix editor: the Matrix editors group and superusers. Everyone else, signed
in or not, staff or not, gets a 404 on every editor URL, and nothing changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from roles.models import MatrixVersion, Requirement
from roles.resources import LearningResource
from tests.factories import make_ladder

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    published = make_ladder(skills=3, roles=2, categories=1)
    draft = published.track.start_draft()
    LearningResource.objects.create(
        track=published.track,
        skill="skill-0",
        title="Docs",
        url="https://example.com/docs",
        kind="docs",
        levels=[1],
        hours=2,
    )
    return draft


def _urls(draft: MatrixVersion) -> list[str]:
    base = f"/roles/{draft.track.slug}/edit/"
    resource = LearningResource.objects.get()
    return [
        base,
        f"{base}requirements/role-1/skill-0/",
        f"{base}diff/",
        f"{base}publish/",
        f"{base}import/",
        f"{base}discard/",
        f"{base}changes/",
        f"{base}history/",
        f"{base}history/1/",
        f"{base}history/1/export.yaml",
        f"{base}skills/new/",
        f"{base}skills/skill-0/",
        f"{base}skills/skill-0/remove/",
        f"{base}skills/skill-0/move/",
        f"{base}categories/new/",
        f"{base}categories/cat-0/",
        f"{base}categories/cat-0/remove/",
        f"{base}categories/cat-0/move/",
        f"{base}roles/new/",
        f"{base}roles/role-1/",
        f"{base}roles/role-1/remove/",
        f"{base}roles/role-1/move/",
        f"{base}resources/",
        f"{base}resources/skill-0/",
        f"{base}resources/skill-0/{resource.pk}/",
        f"{base}resources/skill-0/{resource.pk}/remove/",
    ]


@pytest.fixture(params=["anonymous", "stranger", "staff"])
def outsider(request) -> Client:
    if request.param == "anonymous":
        return Client()
    return request.getfixturevalue(f"{request.param}_client")


def _snapshot(draft: MatrixVersion) -> tuple:
    return (
        list(MatrixVersion.objects.values_list("number", "status").order_by("number")),
        list(Requirement.objects.values_list("role_id", "skill_id", "level", "importance")),
        list(LearningResource.objects.values_list("title", "url")),
    )


def test_every_editor_url_is_a_404_to_anyone_without_the_permission(outsider, draft):
    before = _snapshot(draft)
    for url in _urls(draft):
        assert outsider.get(url).status_code == 404, url
        data = {"level": 5, "importance": 3, "direction": "up", "reviewed": "x"}
        assert outsider.post(url, data).status_code == 404, url
    assert _snapshot(draft) == before


@pytest.mark.parametrize("persona", ["editor_client", "admin_client"])
def test_editors_and_superusers_open_every_page(request, persona, draft):
    client = request.getfixturevalue(persona)
    for url in _urls(draft):
        post_only = url.endswith(("/move/", "/publish/")) or (
            "/resources/" in url and url.endswith("/remove/")
        )
        if not post_only:
            assert client.get(url).status_code == 200, url


def test_an_inactive_editor_is_refused(editor, editor_client, draft):
    editor.is_active = False
    editor.save()
    client = Client()
    client.force_login(editor)

    assert client.get(f"/roles/{draft.track.slug}/edit/").status_code == 404


def test_the_permission_given_to_the_user_or_another_group_decides(stranger, draft):
    client = Client()
    client.force_login(stranger)
    grid = f"/roles/{draft.track.slug}/edit/"
    permission = Permission.objects.get(codename="edit_matrix")
    other = Group.objects.create(name="Reviewers")
    stranger.groups.add(other)
    assert client.get(grid).status_code == 404

    other.permissions.add(permission)
    assert client.get(grid).status_code == 200

    other.permissions.remove(permission)
    stranger.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert client.get(grid).status_code == 404

    stranger.user_permissions.add(permission)
    assert client.get(grid).status_code == 200


def test_an_unknown_track_is_a_404_to_editors(editor_client, draft):
    assert editor_client.get("/roles/no-such-track/edit/").status_code == 404


def test_the_ladder_page_offers_editing_only_to_editors(editor_client, stranger_client, draft):
    url = f"/roles/{draft.track.slug}/"

    assert "Edit this ladder" in editor_client.get(url).text
    assert "Edit this ladder" not in stranger_client.get(url).text


def test_a_migration_creates_the_matrix_editors_group_with_the_permission():
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="Matrix editors")

    assert [p.codename for p in group.permissions.all()] == ["edit_matrix"]
