"""Forms of the questionnaire: starting an assessment and answering one skill."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from assessments.models import (
    EVIDENCE_MAX_LENGTH,
    MAX_SEQUENCE,
    SEQUENCE_LEEWAY,
    Answer,
    server_sequence,
)
from roles.models import Role, Skill, Track


@dataclass(frozen=True)
class Ladder:
    """A track that can be assessed: its current published version and that version's roles."""

    track: Track
    version_id: int
    roles: list[Role]

    def role(self, slug: str) -> Role | None:
        return next((role for role in self.roles if role.slug == slug), None)

    @property
    def rungs(self) -> list[tuple[Role, int]]:
        """Each role with its rung number: ranks may skip (1, 2, 4), rungs count 1, 2, 3, as
        on the ladder pages and the report."""
        ranks = sorted({role.rank for role in self.roles})
        return [(role, ranks.index(role.rank) + 1) for role in self.roles]


def assessable_ladders() -> list[Ladder]:
    """Every track with a published version, with the roles of that version: two queries."""
    tracks = list(Track.objects.with_current_version().order_by("name"))
    roles: dict[int, list[Role]] = {track.current_version_id: [] for track in tracks}
    for role in Role.objects.filter(version_id__in=roles).order_by("rank", "position", "pk"):
        roles[role.version_id].append(role)
    return [
        Ladder(track, track.current_version_id, roles[track.current_version_id]) for track in tracks
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


class EvidenceField(forms.CharField):
    def to_python(self, value):
        # Browsers count a line break as one character against maxlength but send it as
        # CRLF; count it the way the person typing saw it.
        value = super().to_python(value)
        return value.replace("\r\n", "\n")


class RatingForm(forms.Form):
    """One skill's answer. The step page prefixes the fields with the skill's slug (one form
    per skill in one <form>); the autosave contract posts them unprefixed."""

    level = forms.IntegerField(required=False)
    evidence = EvidenceField(required=False, max_length=EVIDENCE_MAX_LENGTH)
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
        self.fields["evidence"].error_messages["max_length"] = (
            f"Keep the evidence to {EVIDENCE_MAX_LENGTH} characters (this one has %(show_value)d)."
        )
        self.fields["seq"].error_messages["invalid"] = "The answer counter must be a whole number."

    def clean_seq(self) -> int | None:
        # The browser numbers answers on the server's clock (questionnaire.js); a number from
        # the future would make every later answer look older and never be stored.
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
            if cleaned.get("evidence"):
                self.add_error("level", "Choose a level first, then add evidence.")
            elif self.require_level:
                self.add_error("level", f"Choose a level from 0 to {self.max_level}.")
        return cleaned

    @property
    def evidence_posted(self) -> bool:
        return self.add_prefix("evidence") in self.data

    def answer(self) -> Answer | None:
        """The validated answer, or None when the skill was left unanswered."""
        level = self.cleaned_data["level"]
        if level is None:
            return None
        evidence = self.cleaned_data["evidence"] if self.evidence_posted else None
        return Answer(skill_id=self.skill.pk, level=level, evidence=evidence)

    def first_error(self) -> str:
        return next(message for messages in self.errors.values() for message in messages)
