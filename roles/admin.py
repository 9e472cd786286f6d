"""Admin for ladders. Drafts are edited here; published versions and everything in them show
read-only, and any write that slips past the permissions is refused by the models
(PublishedVersionError) and reported as a message rather than a server error."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from roles.audit import AuditEntry
from roles.models import (
    Category,
    DeclaredDrop,
    MatrixVersion,
    PublishedVersionError,
    Requirement,
    Role,
    Skill,
    Track,
)
from roles.resources import LearningResource


def _version_of(obj: object) -> MatrixVersion | None:
    if isinstance(obj, MatrixVersion):
        return obj
    if isinstance(obj, Requirement | DeclaredDrop):
        return obj.role.version if obj.role_id else None
    if isinstance(obj, Category | Skill | Role):
        return obj.version if obj.version_id else None
    return None


def _is_frozen(obj: object) -> bool:
    version = _version_of(obj)
    return version is not None and version.is_published


class ViewOnlyWhenPublished:
    """Published objects (or, for inlines, the parent object) can be viewed, not changed."""

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _is_frozen(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _is_frozen(obj):
            return False
        return super().has_delete_permission(request, obj)


class RefusesPublishedChanges(ViewOnlyWhenPublished):
    """For admins of MatrixVersion and its content: published objects are view-only."""

    def _refused(self, request: HttpRequest, error: PublishedVersionError) -> HttpResponse:
        self.message_user(request, str(error), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    # The admin wraps these views in a transaction, so a refused write is rolled back whole
    # before the message is shown.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishedVersionError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except PublishedVersionError as error:
            return self._refused(request, error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except PublishedVersionError as error:
            return self._refused(request, error)


class FrozenWithParentInline(ViewOnlyWhenPublished):
    """Inlines are read-only when the parent object belongs to a published version."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and _is_frozen(obj):
            return False
        return super().has_add_permission(request, obj)


def _draft_versions() -> QuerySet[MatrixVersion]:
    return MatrixVersion.objects.filter(status=MatrixVersion.Status.DRAFT).select_related("track")


# ---------- Track ----------


class VersionInline(admin.TabularInline):
    model = MatrixVersion
    fields = ("number", "status", "created_at", "published_at")
    readonly_fields = fields
    ordering = ("-number",)
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [VersionInline]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # Assessments and URLs refer to the slug; it is set once.
        return ("slug", "created_at") if obj is not None else ("created_at",)

    def get_prepopulated_fields(self, request: HttpRequest, obj=None):
        return {} if obj is not None else self.prepopulated_fields


# ---------- MatrixVersion ----------


class CategoryInline(FrozenWithParentInline, admin.TabularInline):
    model = Category
    fields = ("position", "slug", "name", "description")
    ordering = ("position", "pk")
    extra = 0
    show_change_link = True


class RoleInline(FrozenWithParentInline, admin.TabularInline):
    model = Role
    fields = ("rank", "position", "slug", "title")
    ordering = ("rank", "position", "pk")
    extra = 0
    show_change_link = True


class MatrixVersionForm(forms.ModelForm):
    class Meta:
        model = MatrixVersion
        fields = ("track", "number", "scale", "ready_threshold", "close_threshold")

    def clean(self) -> dict:
        cleaned = super().clean()
        track = cleaned.get("track")
        if self.instance.pk is None and track is not None:
            draft = track.draft_version()
            if draft is not None:
                raise ValidationError(
                    f"{track.slug} already has a draft (v{draft.number}): edit that one, "
                    "or publish it before adding another."
                )
            # The current version is the published one with the highest number: a lower
            # number would never become current once published.
            last = track.versions.order_by("-number").values_list("number", flat=True).first()
            number = cleaned.get("number")
            if last is not None and number is not None and number <= last:
                self.add_error("number", f"Use a number above v{last}, {track.slug}'s latest.")
        return cleaned


@admin.register(MatrixVersion)
class MatrixVersionAdmin(RefusesPublishedChanges, admin.ModelAdmin):
    form = MatrixVersionForm
    fields = (
        "track",
        "number",
        "status",
        "scale",
        ("ready_threshold", "close_threshold"),
        "published_at",
        "created_at",
        "content_hash",
    )
    list_display = ("track", "number", "status", "published_at", "created_at")
    list_display_links = ("track", "number")
    list_filter = ("track", "status")
    list_select_related = ("track",)
    search_fields = ("track__name", "track__slug")
    ordering = ("track__name", "-number")
    inlines = [CategoryInline, RoleInline]
    actions = ["publish_drafts", "start_draft_from_version"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fixed = ("status", "content_hash", "created_at", "published_at")
        return ("track", "number", *fixed) if obj is not None else fixed

    def get_queryset(self, request: HttpRequest) -> QuerySet[MatrixVersion]:
        return super().get_queryset(request).select_related("track")

    @admin.action(description="Publish selected drafts")
    def publish_drafts(self, request: HttpRequest, queryset: QuerySet[MatrixVersion]) -> None:
        published = []
        for version in queryset.select_related("track"):
            if version.is_published:
                self.message_user(
                    request, f"{version} is already published; skipped.", messages.WARNING
                )
                continue
            try:
                version.publish()
            except (PublishedVersionError, ValidationError) as error:
                self.message_user(request, f"{version}: {error}", messages.ERROR)
                continue
            published.append(f"{version.track.slug} v{version.number}")
        if published:
            self.message_user(
                request,
                f"Published {', '.join(published)}. It is now the current version "
                "that new assessments use.",
                messages.SUCCESS,
            )

    @admin.action(description="Start a new draft from this version")
    def start_draft_from_version(
        self, request: HttpRequest, queryset: QuerySet[MatrixVersion]
    ) -> HttpResponse | None:
        versions = list(queryset.select_related("track")[:2])
        if len(versions) != 1:
            self.message_user(
                request, "Select exactly one version to start a draft from.", messages.WARNING
            )
            return None
        source = versions[0]
        track = source.track
        existing = track.draft_version()
        if existing is not None:
            self.message_user(
                request,
                f"{track.slug} already has a draft (v{existing.number}); edit that one or "
                "publish it first.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self._change_url(existing))
        try:
            if source == track.current_version():
                draft = track.start_draft()
            else:
                with transaction.atomic():
                    draft = source.copy_as_draft()
        except (ValidationError, IntegrityError) as error:
            self.message_user(request, f"Could not start a draft: {error}", messages.ERROR)
            return None
        self.message_user(
            request,
            f"Started draft {track.slug} v{draft.number} as a copy of v{source.number}. "
            "Edit it, then publish it.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._change_url(draft))

    def _change_url(self, version: MatrixVersion) -> str:
        return reverse("admin:roles_matrixversion_change", args=[version.pk])


# ---------- Version content ----------


class VersionContentAdmin(RefusesPublishedChanges, admin.ModelAdmin):
    """New and moved content may only go into a draft version."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = _draft_versions()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Category)
class CategoryAdmin(VersionContentAdmin):
    list_display = ("name", "slug", "version", "position")
    list_filter = ("version__track", "version")
    list_select_related = ("version__track",)
    search_fields = ("name", "slug")
    ordering = ("version__track__name", "-version__number", "position")


@admin.register(Skill)
class SkillAdmin(VersionContentAdmin):
    list_display = ("name", "slug", "category", "version", "position")
    list_filter = ("version__track", "version", "category__slug")
    list_select_related = ("category", "version__track")
    search_fields = ("name", "slug")
    ordering = ("version__track__name", "-version__number", "category__position", "position")
    fields = ("version", "category", "slug", "name", "description", "levels", "position")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(
                version__status=MatrixVersion.Status.DRAFT
            ).select_related("version__track")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoleSkillInline(FrozenWithParentInline, admin.TabularInline):
    """Rows of a role that each name one skill of the role's version."""

    ordering = ("skill__category__position", "skill__position")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each row shows itself as "<role> needs <skill> at <level>" or the like.
        return super().get_queryset(request).select_related("role", "skill")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "skill":
            # Only the skills of the role's own version can be named by its rows.
            role_id = request.resolver_match.kwargs.get("object_id")
            if role_id is None:
                skills = Skill.objects.filter(version__status=MatrixVersion.Status.DRAFT)
            else:
                version = Role.objects.filter(pk=role_id).values("version_id")[:1]
                skills = Skill.objects.filter(version_id__in=version)
            kwargs["queryset"] = skills.select_related("category").order_by(
                "category__position", "position", "pk"
            )
            formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # Read the choices once, not once per inline row.
            formfield.choices = list(formfield.choices)
            return formfield
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequirementInline(RoleSkillInline):
    model = Requirement
    fields = ("skill", "level", "importance")


class DeclaredDropInline(RoleSkillInline):
    model = DeclaredDrop
    fields = ("skill", "reason")
    verbose_name = "declared drop"
    verbose_name_plural = "declared drops: skills the rung below requires and this role does not"


@admin.register(Role)
class RoleAdmin(VersionContentAdmin):
    list_display = ("title", "slug", "rank", "version", "salary_range")
    list_filter = ("version__track", "version")
    list_select_related = ("version__track",)
    search_fields = ("title", "slug", "summary")
    ordering = ("version__track__name", "-version__number", "rank", "position")
    inlines = [RequirementInline, DeclaredDropInline]
    fieldsets = (
        (None, {"fields": ("version", "slug", "title", "rank", "position", "summary")}),
        (
            "Salary",
            {
                "fields": (
                    ("salary_min", "salary_max", "salary_average"),
                    ("salary_currency", "salary_year"),
                    "salary_source",
                ),
                "description": "Leave empty where the source gives no figure.",
            },
        ),
        ("Experience (years)", {"fields": (("experience_min", "experience_max"),)}),
    )

    @admin.display(description="Salary")
    def salary_range(self, role: Role) -> str:
        if role.salary_min is not None and role.salary_max is not None:
            return f"{role.salary_min:,} to {role.salary_max:,} {role.salary_currency}".strip()
        if role.salary_average is not None:
            return f"avg {role.salary_average:,} {role.salary_currency}".strip()
        return "—"


@admin.register(Requirement)
class RequirementAdmin(VersionContentAdmin):
    list_display = ("role", "skill", "level", "importance", "version_link")
    list_filter = ("role__version__track", "role__version", "importance", "level")
    list_select_related = ("role__version__track", "skill")
    search_fields = ("role__title", "role__slug", "skill__name", "skill__slug")
    ordering = ("role__version__track__name", "-role__version__number", "role__rank")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        drafts = {"version__status": MatrixVersion.Status.DRAFT}
        if db_field.name == "role":
            kwargs["queryset"] = Role.objects.filter(**drafts).select_related("version__track")
        elif db_field.name == "skill":
            kwargs["queryset"] = Skill.objects.filter(**drafts)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Version", ordering="role__version__number")
    def version_link(self, requirement: Requirement) -> str:
        version = requirement.role.version
        url = reverse("admin:roles_matrixversion_change", args=[version.pk])
        return format_html('<a href="{}">{}</a>', url, version)


# ---------- The editor's log and the learning resources ----------


@admin.register(LearningResource)
class LearningResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "skill", "track", "kind", "free", "hours")
    list_filter = ("track", "kind", "free")
    list_select_related = ("track",)
    search_fields = ("title", "url", "skill")
    ordering = ("track__name", "skill", "position")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The matrix editor's log, read-only: it records what happened."""

    list_display = ("at", "actor", "track", "version", "action", "summary")
    list_filter = ("track", "action")
    list_select_related = ("track", "version__track")
    search_fields = ("actor", "summary")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
