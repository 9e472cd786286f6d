"""Mentoring: a seeker invites a mentor by e-mail (Invitation); the accepted invitation becomes a
Mentorship that lets the mentor read the seeker's submitted assessments, until either side ends
it; a mentor's Review gives their own level and comment per skill of one assessment, plus an
overall note, and is locked once submitted."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from assessments.models.assessment import Assessment, Progress, progress_of, record_newer
from roles.limits import MAX_SCALE_LEVEL
from roles.models import Skill

INVITATION_MESSAGE_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 2000
_TOKEN_SALT = "careerfit.mentoring.Invitation"
_ID_LENGTH = 32  # the invitation's id as hex, the first part of its token


class InvitationRefused(Exception):
    """Sending this invitation now would go over a limit; the message says which."""


class InvitationUnusable(Exception):
    """This invitation cannot be accepted (by this user); the message says why."""


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor revoked (possibly expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self) -> InvitationQuerySet:
        """Open and not expired: the link works."""
        return self.open().filter(expires_at__gt=timezone.now())

    def send(self, seeker, email: str, message: str) -> tuple[Invitation, bool]:
        """The open invitation from `seeker` to `email`, made or renewed for another
        MENTOR_INVITATION_DAYS; True when it is to be e-mailed now. Inviting the same address
        again renews the same invitation (and its link) instead of making a second one; an
        expired one gets a new link. Raises InvitationRefused over the sending limits."""
        now = timezone.now()
        with transaction.atomic():
            # One seeker's invitations are sent one at a time, so two at once cannot both
            # slip under the daily limit.
            get_user_model().objects.select_for_update().filter(pk=seeker.pk).exists()
            invitation = self.open().filter(seeker=seeker, email__iexact=email).first()
            expires_at = now + timedelta(days=settings.MENTOR_INVITATION_DAYS)
            resend_after = timedelta(minutes=settings.MENTOR_INVITATION_RESEND_MINUTES)
            if invitation is not None and invitation.sent_at > now - resend_after:
                # Too soon to e-mail the same address again; its link still works.
                invitation.expires_at = expires_at
                invitation.save(update_fields=["expires_at"])
                return invitation, False
            sent_today = self.filter(seeker=seeker, sent_at__gt=now - timedelta(days=1))
            if invitation is not None:
                sent_today = sent_today.exclude(pk=invitation.pk)
            if sent_today.count() >= settings.MENTOR_INVITATIONS_PER_DAY:
                raise InvitationRefused(
                    f"You have sent {settings.MENTOR_INVITATIONS_PER_DAY} invitations in the "
                    "last 24 hours, the most we send in a day. Try again tomorrow, or send "
                    "the link of an invitation you have already made in a chat."
                )
            if invitation is None:
                invitation = self.create(
                    seeker=seeker, email=email, message=message, sent_at=now, expires_at=expires_at
                )
                return invitation, True
            if invitation.expires_at <= now:
                invitation.nonce = _new_nonce()  # the old link stays dead
            invitation.message, invitation.sent_at, invitation.expires_at = message, now, expires_at
            invitation.save(update_fields=["nonce", "message", "sent_at", "expires_at"])
            return invitation, True


def _new_nonce() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A seeker's invitation to one e-mail address. Its token is the invitation's id with an
    HMAC of it and a random nonce under SECRET_KEY: nothing stored in the database is enough
    to forge one, it is compared in constant time, and the seeker's page can show the link
    again. The token dies once accepted, revoked or expired."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_invitations"
    )
    email = models.EmailField()
    message = models.TextField(max_length=INVITATION_MESSAGE_MAX_LENGTH, blank=True)
    nonce = models.CharField(max_length=64, default=_new_nonce, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # Inviting an address again renews its open invitation (InvitationQuerySet.send).
            models.UniqueConstraint(
                "seeker",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_accepted_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seeker} invites {self.email}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def _mac(self, secret: str | bytes) -> str:
        digest = salted_hmac(
            _TOKEN_SALT, f"{self.pk.hex}:{self.nonce}", secret=secret, algorithm="sha256"
        ).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @property
    def token(self) -> str:
        return f"{self.pk.hex}{self._mac(settings.SECRET_KEY)}"

    @classmethod
    def from_token(cls, token: str) -> Invitation | None:
        """The invitation a token was made for, whatever its status; None for anything else."""
        try:
            pk = uuid.UUID(hex=token[:_ID_LENGTH])
        except ValueError:
            return None
        invitation = cls.objects.select_related("seeker").filter(pk=pk).first()
        if invitation is None:
            return None
        mac = token[_ID_LENGTH:]
        secrets_ = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        if not any(constant_time_compare(mac, invitation._mac(secret)) for secret in secrets_):
            return None
        return invitation

    def accept(self, user) -> tuple[Mentorship, bool]:
        """Use the invitation: `user` becomes the seeker's mentor. Returns the mentorship and
        whether it is new (False: they were already). Raises InvitationUnusable."""
        if user.pk == self.seeker_id:
            raise InvitationUnusable(
                "This is your own invitation: send the link to the person you want as a mentor."
            )
        now = timezone.now()
        with transaction.atomic():
            # Single use, even when two people open the link at once: only one update wins.
            taken = Invitation.objects.pending().filter(pk=self.pk)
            if not taken.update(accepted_at=now, accepted_by=user):
                raise InvitationUnusable("This invitation can no longer be accepted.")
            mentorship = Mentorship.objects.active().filter(seeker_id=self.seeker_id, mentor=user)
            existing = mentorship.first()
            if existing is not None:
                return existing, False
            try:
                with transaction.atomic():
                    created = Mentorship.objects.create(
                        seeker_id=self.seeker_id, mentor=user, invitation=self, started_at=now
                    )
            except IntegrityError:
                # Another invitation from the same seeker, accepted at the same moment.
                return mentorship.get(), False
        self.accepted_at, self.accepted_by = now, user
        return created, True

    def revoke(self) -> bool:
        """Withdraw an open invitation: its link stops working. False when not open."""
        revoked = Invitation.objects.open().filter(pk=self.pk).update(revoked_at=timezone.now())
        return bool(revoked)


class MentorshipQuerySet(models.QuerySet):
    def active(self) -> MentorshipQuerySet:
        return self.filter(ended_at__isnull=True)

    def involving(self, user) -> MentorshipQuerySet:
        return self.filter(Q(seeker=user) | Q(mentor=user))


class Mentorship(models.Model):
    """While not ended, `mentor` may read and review `seeker`'s submitted assessments."""

    class EndedBy(models.TextChoices):
        SEEKER = "seeker", "Revoked by the seeker"
        MENTOR = "mentor", "Left by the mentor"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_seeker"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=10, choices=EndedBy.choices, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["seeker", "mentor"],
                condition=Q(ended_at__isnull=True),
                name="one_active_mentorship_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(seeker=models.F("mentor")), name="no_mentoring_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.seeker}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def end(self, by: str) -> bool:
        """End it (by EndedBy.SEEKER or EndedBy.MENTOR); False when it had ended already."""
        now = timezone.now()
        ended = Mentorship.objects.active().filter(pk=self.pk).update(ended_at=now, ended_by=by)
        if ended:
            self.ended_at, self.ended_by = now, by
        return bool(ended)


class ReviewLocked(Exception):
    """The review is submitted: its answers and note can no longer change."""


class ReviewEmpty(Exception):
    """A review with no level and no note says nothing: it cannot be submitted."""


@dataclass(frozen=True)
class ReviewAnswer:
    skill_id: int
    level: int
    comment: str | None  # None keeps the stored comment


class ReviewQuerySet(models.QuerySet):
    def submitted(self) -> ReviewQuerySet:
        return self.filter(status=Review.Status.SUBMITTED)


class Review(models.Model):
    """One mentor's view of one submitted assessment: a level and comment per skill (where
    they give one) and an overall note. The seeker's own ratings are never touched."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reviews")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written"
    )
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "mentor"], name="one_review_per_mentor"),
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="review_submitted_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"Review by {self.mentor} of {self.assessment_id}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def _lock_draft(self, now: datetime, **fields) -> None:
        # The write takes the row lock that submit() takes too, so nothing lands after it.
        still_draft = Review.objects.filter(pk=self.pk, status=self.Status.DRAFT)
        if not still_draft.update(updated_at=now, **fields):
            raise ReviewLocked

    def record_answers(self, answers: Iterable[ReviewAnswer], sequence: int) -> int:
        """Store the mentor's answers unless a newer one is stored for the skill; returns how
        many were written. Raises ReviewLocked once submitted."""
        now = timezone.now()
        written = 0
        with transaction.atomic():
            self._lock_draft(now)
            for answer in answers:
                values = {"level": answer.level, "updated_at": now}
                if answer.comment is not None:
                    values["comment"] = answer.comment
                keys = {"review": self, "skill_id": answer.skill_id}
                written += record_newer(
                    ReviewRating.objects, keys, values, sequence=sequence, defaults={"comment": ""}
                )
        self.updated_at = now
        return written

    def progress(self) -> Progress:
        """Skills given a level, and total skills, per step of the assessment: one query."""
        return progress_of(self.assessment.version_id, ReviewRating.objects.filter(review=self))

    def save_note(self, note: str) -> None:
        """Raises ReviewLocked once submitted."""
        now = timezone.now()
        self._lock_draft(now, note=note)
        self.note, self.updated_at = note, now

    def submit(self) -> bool:
        """Lock the review; False when already submitted. Raises ReviewEmpty while it holds
        neither a level nor a note."""
        with transaction.atomic():
            locked = Review.objects.select_for_update().only("status", "note").get(pk=self.pk)
            if locked.is_submitted:
                return False
            if not locked.note.strip() and not self.ratings.exists():
                raise ReviewEmpty
            now = timezone.now()
            Review.objects.filter(pk=self.pk).update(
                status=self.Status.SUBMITTED, submitted_at=now, updated_at=now
            )
        self.status, self.submitted_at, self.updated_at = self.Status.SUBMITTED, now, now
        return True


class ReviewRating(models.Model):
    """The mentor's level for one skill, and their comment on it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    # The browser's answer counter, as for the seeker's ratings.
    sequence = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "skill__category__position", "skill__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "skill"], name="review_rating_unique"),
            models.CheckConstraint(
                condition=Q(level__lte=MAX_SCALE_LEVEL), name="review_level_in_any_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} = {self.level} (mentor)"
