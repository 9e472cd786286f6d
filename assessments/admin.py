"""Admin: assessments are the users' own data, so staff may look (for support) and delete
(on request), never edit answers or submit on someone's behalf."""

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import Assessment, Rating


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["skill", "level", "evidence", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("skill", "skill__category")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "track", "version", "target_role", "status", "created_at"]
    list_filter = ["status", "track"]
    list_select_related = ["user", "track", "version", "version__track", "target_role"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "created_at"
    fields = [
        "id",
        "user",
        "track",
        "version",
        "target_role",
        "status",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    readonly_fields = fields
    inlines = [RatingInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
