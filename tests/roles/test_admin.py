"""The ladder admin: drafts are editable, published versions are read-only, actions publish and
start drafts."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from roles.models import Category, DeclaredDrop, MatrixVersion, Requirement, Role, Skill, Track
from tests.factories import make_ladder

pytestmark = pytest.mark.django_db

MODELS = [Track, MatrixVersion, Category, Skill, Role, Requirement]


@pytest.fixture
def published():
    return make_ladder(skills=4, roles=2)


@pytest.fixture
def draft(published):
    return published.track.start_draft()


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:roles_{model._meta.model_name}_{view}", args=args)


def _one(model, version: MatrixVersion):
    if model is Track:
        return version.track
    if model is MatrixVersion:
        return version
    if model is Requirement:
        return Requirement.objects.filter(role__version=version).first()
    return model.objects.filter(version=version).first()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _skill_form(skill: Skill, **changes) -> dict:
    data = {
        "version": skill.version_id,
        "category": skill.category_id,
        "slug": skill.slug,
        "name": skill.name,
        "description": skill.description,
        "levels": '{"1": "Reads it.", "2": "Writes it.", "3": "Teaches it."}',
        "position": skill.position,
    }
    return data | changes


@pytest.mark.parametrize("model", MODELS)
def test_changelists_and_add_pages_load_for_an_admin(admin_client, draft, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    assert admin_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_pages_load_for_published_and_draft_objects(admin_client, published, draft, model):
    for version in (published, draft):
        obj = _one(model, version)
        assert admin_client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", [MatrixVersion, Category, Skill, Role, Requirement])
def test_published_objects_show_without_a_save_button(admin_client, published, model):
    html = admin_client.get(_url(model, "change", _one(model, published).pk)).content.decode()
    assert 'name="_save"' not in html
    assert "deletelink" not in html


def test_a_published_version_shows_its_inlines_read_only(admin_client, published):
    html = admin_client.get(_url(MatrixVersion, "change", published.pk)).content.decode()
    assert "Category 0" in html and "Role 1" in html
    assert 'name="categories-0-name"' not in html
    assert 'name="roles-0-title"' not in html


def test_a_draft_version_shows_editable_inlines(admin_client, draft):
    html = admin_client.get(_url(MatrixVersion, "change", draft.pk)).content.decode()
    assert 'name="_save"' in html
    assert 'name="categories-0-name"' in html
    assert 'name="roles-0-title"' in html


def test_posting_a_change_to_a_published_skill_is_refused(admin_client, published):
    skill = published.skills.get(slug="skill-0")
    response = admin_client.post(
        _url(Skill, "change", skill.pk), _skill_form(skill, name="Renamed")
    )
    assert response.status_code == 403
    skill.refresh_from_db()
    assert skill.name == "Skill 0"


def test_deleting_a_published_skill_is_refused(admin_client, published):
    skill = published.skills.get(slug="skill-0")
    assert admin_client.post(_url(Skill, "delete", skill.pk), {"post": "yes"}).status_code == 403
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_a_draft_skill_can_be_edited_including_its_levels(admin_client, draft):
    skill = draft.skills.get(slug="skill-0")
    response = admin_client.post(_url(Skill, "change", skill.pk), _skill_form(skill, name="Python"))
    assert response.status_code == 302
    skill.refresh_from_db()
    assert skill.name == "Python"
    assert skill.statement(3) == "Teaches it."


def test_a_draft_role_and_its_requirements_can_be_edited_inline(admin_client, draft):
    role = draft.roles.get(slug="role-2")
    requirements = list(role.requirements.order_by("skill__position"))
    data = {
        "version": draft.pk,
        "slug": role.slug,
        "title": "Senior Engineer",
        "rank": role.rank,
        "position": role.position,
        "summary": role.summary,
        "salary_min": "131158",
        "salary_max": "200000",
        "salary_currency": "USD",
        "salary_year": "2024",
        "requirements-TOTAL_FORMS": str(len(requirements)),
        "requirements-INITIAL_FORMS": str(len(requirements)),
        "declared_drops-TOTAL_FORMS": "0",
        "declared_drops-INITIAL_FORMS": "0",
    }
    for i, req in enumerate(requirements):
        data |= {
            f"requirements-{i}-id": req.pk,
            f"requirements-{i}-role": role.pk,
            f"requirements-{i}-skill": req.skill_id,
            f"requirements-{i}-level": 5 if i == 0 else req.level,
            f"requirements-{i}-importance": req.importance,
        }
    response = admin_client.post(_url(Role, "change", role.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert role.title == "Senior Engineer" and role.salary_max == 200000
    requirements[0].refresh_from_db()
    assert requirements[0].level == 5


def test_new_content_can_only_go_into_a_draft(admin_client, published, draft):
    html = admin_client.get(_url(Skill, "add")).content.decode()
    assert f'<option value="{draft.pk}">' in html
    assert f'<option value="{published.pk}">' not in html
    skill = published.skills.first()
    response = admin_client.post(
        _url(Skill, "add"), _skill_form(skill, version=published.pk, slug="new-skill")
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Skill.objects.filter(slug="new-skill").exists()


def test_a_write_that_slips_past_the_permissions_becomes_a_message(
    admin_client, published, monkeypatch
):
    # Simulate a gap in the admin's own check: the model must still refuse, politely.
    monkeypatch.setattr("roles.admin._is_frozen", lambda obj: False)
    response = admin_client.post(
        _url(MatrixVersion, "change", published.pk),
        {
            "scale": '["None", "Some", "More", "All"]',
            "ready_threshold": "0.5",
            "close_threshold": "0.25",
            "categories-TOTAL_FORMS": "0",
            "categories-INITIAL_FORMS": "0",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert any("published" in message for message in _messages(response))
    published.refresh_from_db()
    assert published.max_level == 5
    assert str(published.ready_threshold) == "0.9000"


def test_the_publish_action_publishes_a_draft(admin_client, draft):
    response = admin_client.post(
        _url(MatrixVersion, "changelist"),
        {"action": "publish_drafts", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.track.current_version() == draft
    assert any("Published" in message for message in _messages(response))


def test_the_publish_action_skips_a_published_version(admin_client, published):
    response = admin_client.post(
        _url(MatrixVersion, "changelist"),
        {"action": "publish_drafts", "_selected_action": [published.pk]},
    )
    assert response.status_code == 302
    assert any("already published" in message for message in _messages(response))


def test_the_start_draft_action_copies_the_version(admin_client, published):
    response = admin_client.post(
        _url(MatrixVersion, "changelist"),
        {"action": "start_draft_from_version", "_selected_action": [published.pk]},
    )
    draft = published.track.draft_version()
    assert draft is not None and draft.number == published.number + 1
    assert response.status_code == 302
    assert response["Location"] == _url(MatrixVersion, "change", draft.pk)
    assert draft.skills.count() == 4 and draft.roles.count() == 2
    assert Requirement.objects.filter(role__version=draft).count() == 8
    assert any("Started draft" in message for message in _messages(response))


def test_the_start_draft_action_points_to_an_existing_draft(admin_client, published, draft):
    response = admin_client.post(
        _url(MatrixVersion, "changelist"),
        {"action": "start_draft_from_version", "_selected_action": [published.pk]},
    )
    assert response["Location"] == _url(MatrixVersion, "change", draft.pk)
    assert MatrixVersion.objects.filter(track=published.track).count() == 2
    assert any("already has a draft" in message for message in _messages(response))


def test_adding_a_second_draft_is_a_form_error_not_a_crash(admin_client, draft):
    response = admin_client.post(
        _url(MatrixVersion, "add"),
        {
            "track": draft.track_id,
            "number": 99,
            "scale": '["None", "Some", "More", "All"]',
            "ready_threshold": "0.9",
            "close_threshold": "0.75",
        },
    )
    assert response.status_code == 200
    assert "already has a draft" in response.content.decode()
    assert not MatrixVersion.objects.filter(number=99).exists()


@pytest.mark.parametrize("model", MODELS)
def test_a_non_staff_user_is_sent_to_the_admin_login(owner_client, published, model):
    response = owner_client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def _version_form(**changes) -> dict:
    data = {
        "scale": '["None", "Some", "More", "All"]',
        "ready_threshold": "0.9",
        "close_threshold": "0.75",
        "categories-TOTAL_FORMS": "0",
        "categories-INITIAL_FORMS": "0",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }
    return data | changes


@pytest.mark.parametrize("scale", ['"abc"', "{}", '["None", "Some"]', '["a", "a", "b", "c"]'])
def test_a_draft_scale_that_is_not_a_list_of_level_names_is_a_form_error(
    admin_client, draft, scale
):
    response = admin_client.post(
        _url(MatrixVersion, "change", draft.pk), _version_form(scale=scale)
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.max_level == 5


def test_shortening_the_scale_below_a_required_level_is_a_form_error(admin_client):
    draft = make_ladder(skills=2, roles=3, publish=False)  # role-3 requires level 4
    response = admin_client.post(_url(MatrixVersion, "change", draft.pk), _version_form())
    assert response.status_code == 200
    assert "lower them before shortening the scale" in response.content.decode()
    draft.refresh_from_db()
    assert draft.max_level == 5


def test_a_new_version_needs_a_number_above_the_latest(admin_client, published):
    response = admin_client.post(
        _url(MatrixVersion, "add"),
        _version_form(track=published.track_id, number=published.number),
    )
    assert response.status_code == 200
    assert f"above v{published.number}" in response.content.decode()
    assert published.track.draft_version() is None


@pytest.mark.parametrize("levels", ['["Reads it."]', '{"9": "Beyond the scale."}', '{"1": 2}'])
def test_skill_levels_must_be_statements_by_level_in_the_scale(admin_client, draft, levels):
    skill = draft.skills.get(slug="skill-0")
    before = skill.levels
    response = admin_client.post(_url(Skill, "change", skill.pk), _skill_form(skill, levels=levels))
    assert response.status_code == 200
    skill.refresh_from_db()
    assert skill.levels == before


def test_a_new_role_cannot_require_a_skill_of_another_version(admin_client, draft):
    foreign_skill = make_ladder(skills=1, roles=1, publish=False).skills.get()
    response = admin_client.post(
        _url(Role, "add"),
        {
            "version": draft.pk,
            "slug": "new-role",
            "title": "New role",
            "rank": 3,
            "position": 0,
            "requirements-TOTAL_FORMS": "1",
            "requirements-INITIAL_FORMS": "0",
            "requirements-0-skill": foreign_skill.pk,
            "requirements-0-level": 2,
            "requirements-0-importance": 2,
            "declared_drops-TOTAL_FORMS": "0",
            "declared_drops-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "belong to different versions" in response.content.decode()
    assert not Role.objects.filter(slug="new-role").exists()


def _role_form_with_drop(role: Role, skill: Skill) -> dict:
    return {
        "version": role.version_id,
        "slug": role.slug,
        "title": role.title,
        "rank": role.rank,
        "position": role.position,
        "summary": role.summary,
        "requirements-TOTAL_FORMS": "0",
        "requirements-INITIAL_FORMS": "0",
        "declared_drops-TOTAL_FORMS": "1",
        "declared_drops-INITIAL_FORMS": "0",
        "declared_drops-0-skill": skill.pk,
        "declared_drops-0-reason": "The team runs it.",
    }


def test_a_draft_role_can_declare_a_drop_inline(admin_client, draft):
    role = draft.roles.get(slug="role-2")
    skill = draft.skills.get(slug="skill-3")
    role.requirements.filter(skill=skill).delete()

    response = admin_client.post(_url(Role, "change", role.pk), _role_form_with_drop(role, skill))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(role.declared_drops.values_list("skill__slug", "reason")) == [
        ("skill-3", "The team runs it.")
    ]


def test_a_role_cannot_declare_a_skill_it_requires_dropped(admin_client, draft):
    role = draft.roles.get(slug="role-2")
    skill = draft.skills.get(slug="skill-3")

    response = admin_client.post(_url(Role, "change", role.pk), _role_form_with_drop(role, skill))

    assert response.status_code == 200
    assert "a required skill is not dropped" in response.content.decode()
    assert not DeclaredDrop.objects.exists()


@pytest.mark.parametrize("model", ["learningresource", "auditentry"])
def test_the_editors_log_and_the_resources_list_in_the_admin(admin_client, draft, model):
    assert admin_client.get(reverse(f"admin:roles_{model}_changelist")).status_code == 200


def test_the_editors_log_is_read_only_in_the_admin(admin_client, draft):
    assert admin_client.get(reverse("admin:roles_auditentry_add")).status_code == 403
