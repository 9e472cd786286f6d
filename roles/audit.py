"""The matrix editor's audit log: every change to a track's draft (who, when, what, old ->
new), who started, discarded and published each version, and changes to the track's learning
resources, which belong to no version.

Imported by roles.models (so that Django registers the model); it imports nothing of the app
itself and refers to the ladder models by name."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

SUMMARY_MAX = 1000
VALUE_MAX = 2000


class AuditEntryQuerySet(models.QuerySet):
    def of_version(self, version) -> AuditEntryQuerySet:
        return self.filter(version=version).order_by("-at", "-pk")

    def last_change_of(self, version, target: str) -> AuditEntry | None:
        """The latest entry about one thing in a draft (a cell, a skill...): one query."""
        return self.of_version(version).filter(target=target).first()

    def publications(self, track) -> AuditEntryQuerySet:
        return self.filter(track=track, action=AuditEntry.Action.PUBLISHED)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        STARTED = "started", "Started the draft"
        CHANGED = "changed", "Changed"
        ADDED = "added", "Added"
        REMOVED = "removed", "Removed"
        MOVED = "moved", "Moved"
        IMPORTED = "imported", "Imported a file"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded the draft"

    track = models.ForeignKey("roles.Track", on_delete=models.CASCADE, related_name="+")
    # The draft the change went into; empty for changes that belong to no version (learning
    # resources, a discarded draft). A discarded draft's own entries go with it.
    version = models.ForeignKey(
        "roles.MatrixVersion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The name at the time, kept when the account is gone.
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=Action.choices)
    # What the entry is about, by id within the draft ("requirement:12:345"), so that the
    # editor can find the last change of one cell.
    target = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=SUMMARY_MAX)
    before = models.TextField(max_length=VALUE_MAX, blank=True)
    after = models.TextField(max_length=VALUE_MAX, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["version", "target"], name="audit_version_target"),
            models.Index(fields=["track", "action"], name="audit_track_action"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.at:%Y-%m-%d %H:%M}: {self.summary}"

    @classmethod
    def record(
        cls,
        *,
        track,
        user,
        action: str,
        summary: str,
        version=None,
        target: str = "",
        before: str = "",
        after: str = "",
    ) -> AuditEntry:
        return cls.objects.create(
            track=track,
            version=version,
            user=user if user is not None and user.pk else None,
            actor=user.get_username() if user is not None else "command line",
            action=action,
            target=target,
            summary=summary[:SUMMARY_MAX],
            before=before[:VALUE_MAX],
            after=after[:VALUE_MAX],
        )
