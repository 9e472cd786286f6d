"""The matrix model: database constraints, immutable published versions, drafts, publishing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roles.models import (
    Category,
    DeclaredDrop,
    MatrixVersion,
    PublishedVersionError,
    Requirement,
    Role,
    Skill,
)
from tests.factories import MatrixVersionFactory, TrackFactory, make_ladder

pytestmark = pytest.mark.django_db


def test_it_refuses_to_change_a_skill_of_a_published_version():
    version = make_ladder(skills=3, roles=2)
    skill = version.skills.get(slug="skill-0")
    skill.name = "Renamed"
    with pytest.raises(PublishedVersionError, match="published"):
        skill.save()
    assert version.skills.get(slug="skill-0").name == "Skill 0"


@pytest.mark.parametrize("model", [Category, Skill, Role])
def test_it_refuses_bulk_updates_and_deletes_of_published_content(model):
    version = make_ladder(skills=3, roles=2)
    rows = model.objects.filter(version=version)
    before = rows.count()
    with pytest.raises(PublishedVersionError):
        rows.update(name="x") if model is not Role else rows.update(title="x")
    with pytest.raises(PublishedVersionError):
        rows.delete()
    assert rows.count() == before


def test_it_refuses_to_change_or_delete_a_published_requirement():
    version = make_ladder(skills=3, roles=2)
    requirement = Requirement.objects.filter(role__version=version).first()
    requirement.level = 1 if requirement.level != 1 else 2
    with pytest.raises(PublishedVersionError):
        requirement.save()
    with pytest.raises(PublishedVersionError):
        requirement.delete()
    with pytest.raises(PublishedVersionError):
        Requirement.objects.filter(role__version=version).update(importance=1)
    assert Requirement.objects.filter(role__version=version).count() == 6


def test_it_refuses_to_add_content_to_a_published_version():
    version = make_ladder(skills=2, roles=1)
    with pytest.raises(PublishedVersionError):
        Category.objects.create(version=version, slug="new", name="New")


def test_it_refuses_to_change_or_delete_a_published_version_itself():
    version = make_ladder(skills=2, roles=1)
    version.scale = ["a", "b", "c", "d"]
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(PublishedVersionError):
        version.delete()
    with pytest.raises(PublishedVersionError):
        version.publish()
    version.refresh_from_db()
    assert len(version.scale) == 6


def test_it_refuses_to_move_content_out_of_a_published_version():
    published = make_ladder(skills=2, roles=1)
    draft = published.track.start_draft()
    category = published.categories.get(slug="cat-0")
    category.version = draft
    category.slug = "moved"
    with pytest.raises(PublishedVersionError):
        category.save()
    assert published.categories.filter(slug="cat-0").exists()
    assert not draft.categories.filter(slug="moved").exists()


def test_a_new_draft_starts_as_a_copy_of_the_current_version():
    published = make_ladder(skills=5, roles=3)
    draft = published.track.start_draft()
    assert draft.status == MatrixVersion.Status.DRAFT
    assert draft.number == published.number + 1
    assert list(draft.skills.values_list("slug", "name", "levels", "category__slug")) == list(
        published.skills.values_list("slug", "name", "levels", "category__slug")
    )
    copied = Requirement.objects.filter(role__version=draft)
    assert sorted(copied.values_list("role__slug", "skill__slug", "level", "importance")) == sorted(
        Requirement.objects.filter(role__version=published).values_list(
            "role__slug", "skill__slug", "level", "importance"
        )
    )
    # Asking again returns the same draft rather than a second one.
    assert published.track.start_draft() == draft


def test_editing_a_draft_leaves_the_published_version_alone():
    published = make_ladder(skills=3, roles=2)
    draft = published.track.start_draft()
    skill = draft.skills.get(slug="skill-1")
    skill.name = "Kubernetes"
    skill.save()
    assert published.skills.get(slug="skill-1").name == "Skill 1"


def test_publishing_makes_the_draft_current():
    published = make_ladder(skills=3, roles=2)
    track = published.track
    draft = track.start_draft()
    assert track.current_version() == published
    draft.publish()
    assert track.current_version() == draft
    assert draft.published_at is not None
    assert len(draft.content_hash) == 64


def test_the_database_allows_one_draft_per_track():
    track = TrackFactory()
    MatrixVersionFactory(track=track, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatrixVersionFactory(track=track, number=2)


def test_the_database_refuses_duplicate_slugs_within_a_version():
    version = MatrixVersionFactory()
    Category.objects.create(version=version, slug="tools", name="Tools")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(version=version, slug="tools", name="Tools again")


@pytest.mark.parametrize(("level", "importance"), [(1, 0), (1, 4), (0, 2), (8, 2)])
def test_the_database_refuses_requirements_out_of_range(level, importance):
    version = make_ladder(skills=1, roles=1, publish=False)
    role = version.roles.get()
    skill = version.skills.get()
    role.requirements.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.bulk_create(
            [Requirement(role=role, skill=skill, level=level, importance=importance)]
        )


def test_the_database_allows_one_requirement_per_role_and_skill():
    version = make_ladder(skills=1, roles=1, publish=False)
    role = version.roles.get()
    skill = version.skills.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.bulk_create(
            [Requirement(role=role, skill=skill, level=2, importance=2)]
        )


def test_the_database_refuses_a_close_threshold_above_ready():
    with pytest.raises(IntegrityError), transaction.atomic():
        MatrixVersionFactory(ready_threshold="0.7", close_threshold="0.8")


def test_it_refuses_bulk_updates_and_deletes_of_published_versions():
    version = make_ladder(skills=2, roles=1)
    rows = MatrixVersion.objects.filter(pk=version.pk)
    with pytest.raises(PublishedVersionError):
        rows.update(scale=["a", "b", "c", "d"])
    with pytest.raises(PublishedVersionError):
        rows.delete()
    version.refresh_from_db()
    assert version.max_level == 5


def test_an_instance_loaded_before_publishing_cannot_delete_the_published_version():
    version = make_ladder(skills=2, roles=1, publish=False)
    loaded_as_draft = MatrixVersion.objects.get(pk=version.pk)
    version.publish()
    with pytest.raises(PublishedVersionError):
        loaded_as_draft.delete()
    assert MatrixVersion.objects.filter(pk=version.pk).exists()


def test_it_refuses_bulk_created_content_in_a_published_version():
    version = make_ladder(skills=2, roles=1)
    with pytest.raises(PublishedVersionError):
        Role.objects.bulk_create([Role(version=version, slug="extra", title="Extra", rank=9)])
    with pytest.raises(PublishedVersionError):
        Requirement.objects.bulk_create(
            [Requirement(role=version.roles.get(), skill=version.skills.last(), level=1)]
        )
    assert version.roles.count() == 1


@pytest.mark.parametrize(
    "scale",
    [
        "abc",
        {"0": "None"},
        ["None", "Some", "More"],
        ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
        ["None", "Some", "Some", "All"],
        ["None", "", "More", "All"],
        ["None", 1, "More", "All"],
    ],
)
def test_a_scale_is_four_to_eight_distinct_level_names(scale):
    version = MatrixVersionFactory.build(scale=scale)
    with pytest.raises(ValidationError) as error:
        version.clean()
    assert "scale" in error.value.message_dict


def _declare_drop(version: MatrixVersion, role_slug: str, skill_slug: str) -> DeclaredDrop:
    role = version.roles.get(slug=role_slug)
    skill = version.skills.get(slug=skill_slug)
    Requirement.objects.filter(role=role, skill=skill).delete()
    return DeclaredDrop.objects.create(role=role, skill=skill, reason="The team does it.")


def test_a_new_draft_copies_the_declared_drops():
    track = make_ladder(skills=3, roles=2, publish=False).track
    first = track.draft_version()
    _declare_drop(first, "role-2", "skill-1")
    first.publish()

    draft = track.start_draft()

    copied = DeclaredDrop.objects.filter(role__version=draft)
    assert list(copied.values_list("role__slug", "skill__slug", "reason")) == [
        ("role-2", "skill-1", "The team does it.")
    ]
    assert {drop.skill.version_id for drop in copied} == {draft.pk}


def test_declared_drops_of_a_published_version_are_frozen():
    version = make_ladder(skills=3, roles=2, publish=False)
    drop = _declare_drop(version, "role-2", "skill-1")
    version.publish()

    drop.reason = "Changed."
    with pytest.raises(PublishedVersionError):
        drop.save()
    with pytest.raises(PublishedVersionError):
        DeclaredDrop.objects.filter(pk=drop.pk).delete()
    assert DeclaredDrop.objects.get(pk=drop.pk).reason == "The team does it."


def test_a_skill_the_role_requires_cannot_be_declared_dropped():
    version = make_ladder(skills=3, roles=2, publish=False)
    role = version.roles.get(slug="role-2")
    drop = DeclaredDrop(role=role, skill=version.skills.get(slug="skill-1"), reason="No.")

    with pytest.raises(ValidationError, match="a required skill is not dropped"):
        drop.full_clean()


def test_the_database_allows_one_declared_drop_per_role_and_skill():
    version = make_ladder(skills=3, roles=2, publish=False)
    drop = _declare_drop(version, "role-2", "skill-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeclaredDrop.objects.create(role=drop.role, skill=drop.skill, reason="Again.")
