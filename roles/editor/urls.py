"""The matrix editor's URLs, under /roles/<track>/edit/ (DESIGN.md, "Public contract")."""

from django.urls import URLPattern, path

from roles.editor import matrix, publishing, resources, structure
from roles.editor.access import editor_only


def editor_path(route: str, view, name: str) -> URLPattern:
    """Every editor URL answers 404 to anyone without the permission, whatever the method."""
    return path(route, editor_only(view), name=name)


app_name = "editor"
urlpatterns = [
    editor_path("", matrix.grid, name="grid"),
    editor_path(
        "requirements/<slug:role_slug>/<slug:skill_slug>/",
        matrix.cell,
        name="cell",
    ),
    editor_path("drops/<slug:role_slug>/<slug:skill_slug>/", matrix.drop, name="drop"),
    editor_path("diff/", publishing.review, name="review"),
    editor_path("publish/", publishing.publish, name="publish"),
    editor_path("import/", publishing.import_file, name="import"),
    editor_path("discard/", matrix.discard, name="discard"),
    editor_path("changes/", matrix.changes, name="changes"),
    editor_path("history/", publishing.history, name="history"),
    editor_path("history/<int:number>/", publishing.version_detail, name="version"),
    editor_path("history/<int:number>/export.<slug:fmt>", publishing.export, name="export"),
    editor_path("skills/new/", structure.skill_new, name="skill_new"),
    editor_path("skills/<slug:skill_slug>/", structure.skill_edit, name="skill"),
    editor_path("skills/<slug:skill_slug>/remove/", structure.skill_remove, name="skill_remove"),
    editor_path("skills/<slug:skill_slug>/move/", structure.skill_move, name="skill_move"),
    editor_path("categories/new/", structure.category_new, name="category_new"),
    editor_path("categories/<slug:category_slug>/", structure.category_edit, name="category"),
    editor_path(
        "categories/<slug:category_slug>/remove/",
        structure.category_remove,
        name="category_remove",
    ),
    editor_path(
        "categories/<slug:category_slug>/move/", structure.category_move, name="category_move"
    ),
    editor_path("roles/new/", structure.role_new, name="role_new"),
    editor_path("roles/<slug:role_slug>/", structure.role_edit, name="role"),
    editor_path("roles/<slug:role_slug>/remove/", structure.role_remove, name="role_remove"),
    editor_path("roles/<slug:role_slug>/move/", structure.role_move, name="role_move"),
    editor_path("resources/", resources.overview, name="resources"),
    editor_path("resources/<slug:skill_slug>/", resources.skill_resources, name="skill_resources"),
    editor_path(
        "resources/<slug:skill_slug>/<int:resource_id>/",
        resources.resource_edit,
        name="resource",
    ),
    editor_path(
        "resources/<slug:skill_slug>/<int:resource_id>/remove/",
        resources.resource_remove,
        name="resource_remove",
    ),
]
