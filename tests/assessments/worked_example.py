"""The worked example of docs/scoring.md as a stored ladder and assessment, and small helpers
to read report pages, shared by the report, export and progress tests."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from assessments.models import Assessment, Rating
from roles.models import Category, Requirement, Role, Skill
from tests.factories import MatrixVersionFactory, TrackFactory

# The worked example of docs/scoring.md: (slug, name, category), in skill order.
CATEGORIES = [
    ("technical", "Technical skills"),
    ("operational", "Operational skills"),
    ("soft-skills", "Soft skills"),
    ("tools", "Tools"),
]
SKILLS = [
    ("python", "Python", "technical"),
    ("ml-pipelines", "ML pipelines", "technical"),
    ("monitoring", "Monitoring", "operational"),
    ("communication", "Communication", "soft-skills"),
    ("docker", "Docker", "tools"),
]
# slug, title, rank, {skill: (level, importance)}
ROLES = [
    (
        "junior",
        "Junior",
        1,
        {"python": (2, 3), "monitoring": (1, 1), "communication": (2, 2), "docker": (2, 2)},
    ),
    (
        "engineer",
        "Engineer",
        2,
        {
            "python": (3, 3),
            "ml-pipelines": (3, 3),
            "monitoring": (2, 2),
            "communication": (3, 2),
            "docker": (3, 2),
        },
    ),
    (
        "senior",
        "Senior",
        3,
        {
            "python": (4, 3),
            "ml-pipelines": (4, 3),
            "monitoring": (4, 3),
            "communication": (4, 2),
            "docker": (3, 2),
        },
    ),
]
WORKED_RATINGS = {"python": 4, "ml-pipelines": 2, "monitoring": 2, "communication": 3, "docker": 3}


def statement(name: str, level: int) -> str:
    return f"{name} at level {level}: does the level-{level} thing."


def worked_example(
    user, *, ratings: dict[str, int] | None = None, target: str = "senior", submit: bool = True
) -> Assessment:
    """The docs' three-rung, five-skill ladder, and an assessment of `user` on it."""
    track = TrackFactory(slug="mini", name="Mini MLOps")
    version = MatrixVersionFactory(track=track, number=1)
    categories = {
        slug: Category.objects.create(version=version, slug=slug, name=name, position=position)
        for position, (slug, name) in enumerate(CATEGORIES)
    }
    skills = {
        slug: Skill.objects.create(
            version=version,
            category=categories[category],
            slug=slug,
            name=name,
            position=position,
            levels={str(level): statement(name, level) for level in range(1, 6)},
        )
        for position, (slug, name, category) in enumerate(SKILLS)
    }
    roles = {}
    for position, (slug, title, rank, requires) in enumerate(ROLES):
        roles[slug] = Role.objects.create(
            version=version, slug=slug, title=title, rank=rank, position=position
        )
        for skill, (level, importance) in requires.items():
            Requirement.objects.create(
                role=roles[slug], skill=skills[skill], level=level, importance=importance
            )
    version.publish()
    assessment = Assessment.objects.create(
        user=user, track=track, version=version, target_role=roles[target]
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skills[slug], level=level)
        for slug, level in (WORKED_RATINGS if ratings is None else ratings).items()
    )
    if submit:
        assessment.submit()
    return assessment


def report_url(assessment: Assessment) -> str:
    return reverse("assessments:report", args=[assessment.pk])


def text_of(html: str) -> str:
    """The page's text, tags dropped and whitespace collapsed: what a reader sees."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([:;,.])", r"\1", text)


def folded_evidence(html: str, css_class: str) -> tuple[str, str]:
    """A long piece of evidence folded in `html` (assessments/evidence.py): the text its
    summary shows, unescaped, and the HTML of the whole of it."""
    folded = re.search(
        rf'<details class="{css_class} evidence-folded"><summary>(.*?)</summary>(.*?)</details>',
        html,
    )
    assert folded, f"no folded evidence of class {css_class}"
    summary, whole = folded.groups()
    return unescape(text_of(summary)), whole


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def publish_version_2(assessment: Assessment) -> None:
    """Version 2: Kubernetes is new (Engineer needs 2, essential); Docker is gone."""
    draft = assessment.track.start_draft()
    tools = draft.categories.get(slug="tools")
    kubernetes = Skill.objects.create(
        version=draft, category=tools, slug="kubernetes", name="Kubernetes", position=9
    )
    Requirement.objects.create(
        role=draft.roles.get(slug="engineer"), skill=kubernetes, level=2, importance=3
    )
    Requirement.objects.filter(skill__version=draft, skill__slug="docker").delete()
    draft.skills.get(slug="docker").delete()
    draft.publish()
