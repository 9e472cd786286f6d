"""Answers stored with a number from the future (a client could once send any number) would
outrank every later answer to their skill: renumber them to now, so the next answer wins."""

import time

from django.db import migrations


def renumber_future_answers(apps, schema_editor):
    Rating = apps.get_model("assessments", "Rating")
    now = time.time_ns() // 1000
    Rating.objects.filter(sequence__gt=now).update(sequence=now)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(renumber_future_answers, migrations.RunPython.noop)]
