"""Fill `submitted_levels` for the assessments submitted before it existed: their levels, one
digit per skill of the pinned version in matrix order (unanswered as 0), as submit() writes."""

from django.db import migrations

MATRIX_ORDER = ("category__position", "category_id", "position", "pk")


def snapshot_submitted_levels(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Rating = apps.get_model("assessments", "Rating")
    Skill = apps.get_model("roles", "Skill")
    skills_of: dict[int, list[int]] = {}
    for assessment in Assessment.objects.filter(status="submitted", submitted_levels=""):
        if assessment.version_id not in skills_of:
            skills = Skill.objects.filter(version_id=assessment.version_id).order_by(*MATRIX_ORDER)
            skills_of[assessment.version_id] = list(skills.values_list("pk", flat=True))
        levels = dict(Rating.objects.filter(assessment=assessment).values_list("skill_id", "level"))
        assessment.submitted_levels = "".join(
            str(levels.get(skill_id, 0)) for skill_id in skills_of[assessment.version_id]
        )
        assessment.save(update_fields=["submitted_levels"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_mentoring"), ("roles", "0002_text_limits")]

    operations = [migrations.RunPython(snapshot_submitted_levels, migrations.RunPython.noop)]
