"""The matrix editor's forms. Levels and importance are offered by name from the version's
scale; every limit is the column's, and every refusal says what is allowed."""

from __future__ import annotations

from django import forms

from roles.drafting import UNSEEN, Cell
from roles.interchange import FILE_MAX_BYTES
from roles.limits import DESCRIPTION_MAX, IMPORTANCE_NAMES, STATEMENT_MAX
from roles.models import Category, DeclaredDrop, MatrixVersion, Role
from roles.resources import URL_MAX, LearningResource, web_url

NAME_MAX = 200
IMPORTANCE_CHOICES = [(value, f"{value} · {name}") for value, name in IMPORTANCE_NAMES.items()]
DEFAULT_IMPORTANCE = 2


def level_choices(version: MatrixVersion, *, zero: str | None = "Not required") -> list:
    choices = [(0, f"0 · {zero}")] if zero else []
    return choices + [
        (level, f"{level} · {version.level_name(level)}")
        for level in range(1, version.max_level + 1)
    ]


def _level_field(version: MatrixVersion, **options) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=level_choices(version),
        coerce=int,
        error_messages={
            "invalid_choice": f"Level %(value)s is outside the scale 0..{version.max_level} "
            "(0 means not required).",
            "required": "Choose a level (0 means not required).",
        },
        **options,
    )


def _importance_field(**options) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=IMPORTANCE_CHOICES,
        coerce=int,
        error_messages={
            "invalid_choice": "Importance %(value)s is outside 1..3 "
            "(1 nice to have, 2 important, 3 essential).",
        },
        **options,
    )


class CellForm(forms.Form):
    """One cell of the matrix: `level` (0 = not required) and `importance` (1..3), with the
    value the form was rendered from, to tell when the cell changed meanwhile."""

    level = forms.Field()  # replaced in __init__, with the version's scale
    importance = forms.Field(required=False)
    was_level = forms.IntegerField(required=False, widget=forms.HiddenInput)
    was_importance = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, version: MatrixVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"] = _level_field(version, label="Required level")
        self.fields["importance"] = _importance_field(label="Importance", required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("level") == 0:
            # Not required: whatever importance came with it does not matter.
            self.errors.pop("importance", None)
            cleaned["importance"] = None
        missing = cleaned.get("level") and not cleaned.get("importance")
        if missing and "importance" not in self.errors:
            self.add_error("importance", "Choose an importance from 1 to 3.")
        return cleaned

    def cell(self) -> Cell:
        level = self.cleaned_data["level"]
        return (level, self.cleaned_data["importance"]) if level else None

    def seen(self):
        """What the admin saw in the cell; UNSEEN when the form did not say."""
        was_level = self.cleaned_data.get("was_level")
        if was_level is None:
            return UNSEEN
        if was_level == 0:
            return None
        return (was_level, self.cleaned_data.get("was_importance"))

    def first_error(self) -> str:
        return next(iter(self.errors.values()))[0]


class DropForm(forms.Form):
    reason = forms.CharField(
        max_length=DeclaredDrop._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why this rung no longer assesses it",
        help_text="Shown on the role's public page, e.g. “a director relies on the team's "
        "hands-on expertise with these tools”.",
        error_messages={"required": "Say why this rung no longer assesses the skill."},
    )


class CategoryForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX, error_messages={"required": "Give the category a name."}
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=DESCRIPTION_MAX
    )


class SkillForm(forms.Form):
    """A skill's name, category, description and one behaviour statement per level; for a new
    skill also the level and importance each role requires (0: not required)."""

    name = forms.CharField(
        max_length=NAME_MAX, error_messages={"required": "Give the skill a name."}
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of this draft's categories."},
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=DESCRIPTION_MAX,
        help_text="What the skill covers, in a sentence or two.",
    )

    def __init__(
        self,
        *args,
        version: MatrixVersion,
        categories: list[Category],
        roles: list[Role] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.version = version
        self.roles = list(roles)
        self.fields["category"].queryset = Category.objects.filter(version=version)
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]
        for level in range(1, version.max_level + 1):
            self.fields[f"level_{level}"] = forms.CharField(
                label=f"{level} · {version.level_name(level)}",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=STATEMENT_MAX,
                error_messages={
                    "max_length": f"Keep the statement to {STATEMENT_MAX} characters "
                    "(it has %(show_value)d)."
                },
            )
        for role in self.roles:
            self.fields[f"role_{role.pk}_level"] = _level_field(
                version, label=f"{role.title}: level", initial=0
            )
            self.fields[f"role_{role.pk}_importance"] = _importance_field(
                label=f"{role.title}: importance", initial=DEFAULT_IMPORTANCE
            )

    def statement_fields(self) -> list[forms.BoundField]:
        return [self[f"level_{level}"] for level in range(1, self.version.max_level + 1)]

    def role_fields(self) -> list[tuple[Role, forms.BoundField, forms.BoundField]]:
        return [
            (role, self[f"role_{role.pk}_level"], self[f"role_{role.pk}_importance"])
            for role in self.roles
        ]

    def levels(self) -> dict[int, str]:
        return {
            level: self.cleaned_data[f"level_{level}"]
            for level in range(1, self.version.max_level + 1)
            if self.cleaned_data.get(f"level_{level}")
        }

    def requirements(self) -> dict[Role, tuple[int, int]]:
        return {
            role: (
                self.cleaned_data[f"role_{role.pk}_level"],
                self.cleaned_data[f"role_{role.pk}_importance"],
            )
            for role in self.roles
            if self.cleaned_data[f"role_{role.pk}_level"]
        }


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        # A role's content but its address and place, which the editor derives.
        fields = tuple(f for f in Role.CONTENT_FIELDS if f not in ("slug", "position"))
        labels = {
            "rank": "Rank",
            "salary_min": "Lowest",
            "salary_max": "Highest",
            "salary_average": "Average",
            "salary_currency": "Currency",
            "salary_year": "Year",
            "salary_source": "Source",
            "experience_min": "From",
            "experience_max": "To",
        }
        help_texts = {
            "rank": "1 is the lowest rung; two roles with the same rank fork the ladder.",
            "salary_currency": "Three capital letters, such as USD.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": "Give the role a title."}}

    def clean_salary_currency(self) -> str:
        currency = self.cleaned_data["salary_currency"].strip()
        if currency and not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
            raise forms.ValidationError("Use a three-letter code in capitals, such as USD.")
        return currency

    def clean_salary_year(self):
        year = self.cleaned_data["salary_year"]
        if year is not None and not 1900 <= year <= 2100:
            raise forms.ValidationError("Give a year between 1900 and 2100.")
        return year

    def clean_experience_max(self):
        years = self.cleaned_data["experience_max"]
        if years is not None and years > 80:
            raise forms.ValidationError("Give at most 80 years.")
        return years

    def clean(self) -> dict:
        cleaned = super().clean()
        for low, high, what in (
            ("salary_min", "salary_max", "The lowest salary is above the highest."),
            ("experience_min", "experience_max", "The experience starts after it ends."),
        ):
            if None not in (cleaned.get(low), cleaned.get(high)) and cleaned[low] > cleaned[high]:
                self.add_error(high, what)
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ResourceForm(forms.ModelForm):
    """A learning resource of one skill; the levels it helps reach, from the track's scale."""

    # An address typed without a scheme ("docs.python.org/3/") is taken as https.
    url = forms.URLField(
        assume_scheme="https",
        max_length=URL_MAX,
        validators=[web_url],
        label="Web address",
        help_text="http or https only.",
        error_messages={
            "required": "Give the resource's web address.",
            "invalid": "Enter a web address (http or https).",
        },
    )

    levels = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Helps reach the levels",
        error_messages={"required": "Choose the levels it helps reach."},
    )
    free = forms.TypedChoiceField(
        choices=[("1", "Free"), ("0", "Paid")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        label="Cost",
        initial="1",
    )

    class Meta:
        model = LearningResource
        fields = ("title", "url", "kind", "levels", "free", "hours")
        labels = {"hours": "Rough hours"}
        help_texts = {"hours": "About how long it takes to work through, 1 to 1000."}
        error_messages = {"title": {"required": "Give the resource a title."}}

    def __init__(self, *args, version: MatrixVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["levels"].choices = level_choices(version, zero=None)
        self.initial["free"] = "1" if self.instance.free else "0"
        if self.instance.pk is None:
            self.initial.setdefault("kind", LearningResource.Kind.DOCS)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Ladder file",
        help_text=f"YAML, JSON or CSV, at most {FILE_MAX_BYTES // (1024 * 1024)} MB.",
        error_messages={
            "required": "Choose a file to import.",
            "empty": "The file is empty.",
        },
    )
    # "1" checks the file and shows what it would change, writing nothing; "0" (or nothing)
    # applies it.
    dry_run = forms.TypedChoiceField(
        choices=[("1", "Check only"), ("0", "Apply")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > FILE_MAX_BYTES:
            raise forms.ValidationError(
                f"The file has {upload.size:,} bytes; a ladder file may hold at most "
                f"{FILE_MAX_BYTES:,}. Nothing was imported."
            )
        return upload
