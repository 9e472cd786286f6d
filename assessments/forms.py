"""Forms of the questionnaire (starting an assessment, answering one skill) and of mentoring
(inviting a mentor, a mentor's answer for one skill and their overall note)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import QueryDict

from assessments.models import (
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    INVITATION_MESSAGE_MAX_LENGTH,
    MAX_SEQUENCE,
    NOTE_MAX_LENGTH,
    SEQUENCE_LEEWAY,
    Answer,
    Mentorship,
    ReviewAnswer,
    server_sequence,
)
from roles.models import Role, Skill, Track

# About how long an honest answer to one skill takes: reading its levels, choosing one.
SECONDS_PER_SKILL = 12


@dataclass(frozen=True)
class Ladder:
    """A track that can be assessed: its current published version and that version's roles."""

    track: Track
    version_id: int
    roles: list[Role]
    skill_count: int

    def role(self, slug: str) -> Role | None:
        return next((role for role in self.roles if role.slug == slug), None)

    @property
    def minutes(self) -> int:
        """About how long the questionnaire takes: SECONDS_PER_SKILL a skill, in whole
        minutes (fives past ten)."""
        minutes = max(1, round(self.skill_count * SECONDS_PER_SKILL / 60))
        return minutes if minutes <= 10 else 5 * round(minutes / 5)

    @property
    def length(self) -> str:
        """'75 skills, about 15 minutes'."""
        skills = f"{self.skill_count} skill{'s' if self.skill_count != 1 else ''}"
        minutes = f"{self.minutes} minute{'s' if self.minutes != 1 else ''}"
        return f"{skills}, about {minutes}"

    @property
    def label(self) -> str:
        """'MLOps Engineering (75 skills, about 15 minutes)'."""
        return f"{self.track.name} ({self.length})"

    @property
    def rungs(self) -> list[tuple[Role, int]]:
        """Each role with its rung number: ranks may skip (1, 2, 4), rungs count 1, 2, 3, as
        on the ladder pages and the report."""
        ranks = sorted({role.rank for role in self.roles})
        return [(role, ranks.index(role.rank) + 1) for role in self.roles]


def assessable_ladders() -> list[Ladder]:
    """Every track with a published version, with the roles and the number of skills of that
    version: two queries."""
    tracks = list(Track.objects.for_ladder_list().order_by("name"))
    roles: dict[int, list[Role]] = {track.current_version_id: [] for track in tracks}
    for role in Role.objects.filter(version_id__in=roles).order_by("rank", "position", "pk"):
        roles[role.version_id].append(role)
    return [
        Ladder(track, track.current_version_id, roles[track.current_version_id], track.skill_count)
        for track in tracks
    ]


class StartAssessmentForm(forms.Form):
    track = forms.CharField(
        label="Career ladder",
        error_messages={"required": "Choose a career ladder."},
    )
    target_role = forms.CharField(
        label="Target role",
        help_text="The role you are aiming for. You can start another assessment any time.",
        error_messages={"required": "Choose the role you are aiming for."},
    )

    def __init__(self, *args, ladders: list[Ladder], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ladders = ladders

    def clean_track(self) -> Ladder:
        slug = self.cleaned_data["track"]
        ladder = next((ladder for ladder in self.ladders if ladder.track.slug == slug), None)
        if ladder is None:
            raise forms.ValidationError(
                "There is no published career ladder called “%(slug)s”.", params={"slug": slug}
            )
        return ladder

    def clean(self) -> dict:
        cleaned = super().clean()
        ladder, slug = cleaned.get("track"), cleaned.get("target_role")
        if ladder is not None and slug:
            role = ladder.role(slug)
            if role is None:
                self.add_error(
                    "target_role",
                    forms.ValidationError(
                        "“%(role)s” is not a role of the current %(track)s ladder.",
                        params={"role": slug, "track": ladder.track.name},
                    ),
                )
            else:
                cleaned["target_role"] = role
        return cleaned


class NoteField(forms.CharField):
    def to_python(self, value):
        # Browsers count a line break as one character against maxlength but send it as
        # CRLF; count it the way the person typing saw it.
        value = super().to_python(value)
        return value.replace("\r\n", "\n")


class _LevelForm(forms.Form):
    """One skill's level on the version's scale, with an optional note (named by the
    subclass: the seeker's evidence, the mentor's comment) and the browser's answer number.
    The step pages prefix the fields with the skill's slug (one form per skill in one
    <form>); the autosave URLs take them unprefixed."""

    note_name: str
    note_max_length: int
    note_label: str  # "Keep the <label> to ..."
    note_added: str  # "Choose a level first, then add <added>."

    level = forms.IntegerField(required=False)
    seq = forms.IntegerField(required=False, min_value=1, max_value=MAX_SEQUENCE)

    def __init__(self, *args, skill: Skill, max_level: int, require_level: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.skill = skill
        self.max_level = max_level
        self.require_level = require_level
        scale = f"Choose a level from 0 to {max_level}."
        self.fields["level"] = forms.IntegerField(
            required=False,
            min_value=0,
            max_value=max_level,
            error_messages={
                "min_value": scale,
                "max_value": scale,
                "invalid": f"The level must be a whole number from 0 to {max_level}.",
            },
        )
        self.fields[self.note_name] = NoteField(
            required=False,
            max_length=self.note_max_length,
            error_messages={
                "max_length": f"Keep the {self.note_label} to {self.note_max_length} characters "
                "(this one has %(show_value)d)."
            },
        )
        self.fields["seq"].error_messages["invalid"] = "The answer counter must be a whole number."

    def clean_seq(self) -> int | None:
        # The browser numbers answers on the server's clock (autosave.js); a number from the
        # future would make every later answer look older and never be stored.
        seq = self.cleaned_data["seq"]
        if seq is not None and seq > server_sequence() + SEQUENCE_LEEWAY:
            raise forms.ValidationError(
                "This answer is numbered ahead of the server clock. Reload the page and "
                "answer again."
            )
        return seq

    def clean(self) -> dict:
        cleaned = super().clean()
        if "level" in cleaned and cleaned["level"] is None:
            if cleaned.get(self.note_name):
                self.add_error("level", f"Choose a level first, then add {self.note_added}.")
            elif self.require_level:
                self.add_error("level", f"Choose a level from 0 to {self.max_level}.")
        return cleaned

    @property
    def note_posted(self) -> bool:
        return self.add_prefix(self.note_name) in self.data

    def note(self) -> str | None:
        """The posted note, or None when none was posted (the stored one is kept)."""
        return self.cleaned_data[self.note_name] if self.note_posted else None

    def first_error(self) -> str:
        return next(message for messages in self.errors.values() for message in messages)


def step_forms(
    form_class: type[_LevelForm],
    skills: Iterable[Skill],
    max_level: int,
    data: QueryDict | None,
    stored: dict[int, dict],
) -> list[tuple[Skill, _LevelForm]]:
    """One form per skill of a step, prefixed by its slug, showing its stored answer
    (`stored`: skill id -> initial values)."""
    return [
        (
            skill,
            form_class(
                data,
                prefix=skill.slug,
                skill=skill,
                max_level=max_level,
                require_level=False,
                initial=stored.get(skill.pk, {}),
            ),
        )
        for skill in skills
    ]


class RatingForm(_LevelForm):
    """The seeker's answer for one skill."""

    note_name = "evidence"
    note_max_length = EVIDENCE_MAX_LENGTH
    note_label = note_added = "evidence"

    def answer(self) -> Answer | None:
        """The validated answer, or None when the skill was left unanswered."""
        level = self.cleaned_data["level"]
        if level is None:
            return None
        return Answer(skill_id=self.skill.pk, level=level, evidence=self.note())


class ReviewRatingForm(_LevelForm):
    """A mentor's level and comment for one skill of the assessment they review."""

    note_name = "comment"
    note_max_length = COMMENT_MAX_LENGTH
    note_label = "comment"
    note_added = "a comment"

    def answer(self) -> ReviewAnswer | None:
        """The validated answer, or None when the skill was left without a level."""
        level = self.cleaned_data["level"]
        if level is None:
            return None
        return ReviewAnswer(skill_id=self.skill.pk, level=level, comment=self.note())


class ReviewNoteForm(forms.Form):
    note = NoteField(
        label="Your overall note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Optional, up to {NOTE_MAX_LENGTH} characters: what stands out, what to work "
        "on first.",
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters "
            "(this one has %(show_value)d)."
        },
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Your mentor's email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter the email address of the person you want as a mentor.",
            "invalid": "Enter a valid email address, like name@example.com.",
        },
    )
    message = NoteField(
        label="A message for them",
        required=False,
        max_length=INVITATION_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Optional, up to {INVITATION_MESSAGE_MAX_LENGTH} characters. It is "
        "included in the email.",
        error_messages={
            "max_length": f"Keep the message to {INVITATION_MESSAGE_MAX_LENGTH} characters "
            "(this one has %(show_value)d)."
        },
    )

    def __init__(self, *args, seeker: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seeker = seeker

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.seeker.email or "").lower():
            raise forms.ValidationError(
                "That is your own address: invite someone else to be your mentor."
            )
        mentors = Mentorship.objects.active().filter(seeker=self.seeker)
        current = mentors.filter(
            Q(mentor__email__iexact=email) | Q(invitation__email__iexact=email)
        ).select_related("mentor")
        mentor = current.first()
        if mentor is not None:
            raise forms.ValidationError(
                "%(name)s, at that address, is already your mentor.",
                params={"name": mentor.mentor.get_username()},
            )
        return email
