"""The user admin, minus what it must not show: deleting a user lists everything deleted
with them, and their assessments, answers, invitations, mentorships and reviews are private
(kept out of the admin on purpose). The confirmation page says how many go, never what they
hold."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Model
from django.http import HttpRequest
from django.utils.text import capfirst

from assessments.models import Assessment, Invitation, Mentorship, Rating, Review, ReviewRating

PRIVATE_MODELS: tuple[type[Model], ...] = (
    Assessment,
    Rating,
    Invitation,
    Mentorship,
    Review,
    ReviewRating,
)


def _without_private(items: list, prefixes: tuple[str, ...]) -> list:
    """The admin's nested list of deleted objects ("Model: object", each followed by a list
    of what goes with it), minus private objects and everything under them."""
    kept, skipping = [], False
    for item in items:
        if isinstance(item, list):
            if not skipping:
                kept.append(_without_private(item, prefixes))
            skipping = False
            continue
        skipping = str(item).startswith(prefixes)
        if not skipping:
            kept.append(item)
    return kept


admin.site.site_header = "CareerFit administration"
admin.site.site_title = "CareerFit admin"
admin.site.index_title = "Ladders and accounts"

admin.site.unregister(User)


@admin.register(User)
class CareerFitUserAdmin(UserAdmin):
    def get_deleted_objects(self, objs, request: HttpRequest):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        prefixes = tuple(f"{capfirst(model._meta.verbose_name)}: " for model in PRIVATE_MODELS)
        to_delete = _without_private(to_delete, prefixes)
        counted = [
            f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"
            for opts in (model._meta for model in PRIVATE_MODELS)
            if (count := model_count.get(opts.verbose_name_plural))
        ]
        if counted:
            to_delete.append(f"Their private data: {', '.join(counted)} (not shown)")
        return to_delete, model_count, perms_needed, protected
