"""The Jinja2 environment of the report's body prints what Django's template language would
for the same expressions (careerfit/templating.py)."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.test import override_settings

CASES = [
    # (Django's template language, Jinja2)
    ("{{ n }} gap{{ n|pluralize }}", "{{ n }} gap{{ n|pluralize }}"),
    ('{{ n }} {{ n|pluralize:"is,are" }}', '{{ n }} {{ n|pluralize("is,are") }}'),
    ("{{ word|capfirst }}", "{{ word|capfirst }}"),
    (
        '{{ when|date:"j F Y, H:i" }} {{ when|date:"c" }}',
        '{{ when|date("j F Y, H:i") }} {{ when|date("c") }}',
    ),
    ("{{ note|linebreaksbr }}", "{{ note|linebreaksbr }}"),
    ("{{ status|slugify }}", "{{ status|slugify }}"),
    ("[{{ missing.deeper.still }}]", "[{{ missing.deeper.still }}]"),
    ("{{ word }} {{ names|join:', ' }}", "{{ word }} {{ names|join(', ') }}"),
    ("{% url 'assessments:list' %}", "{{ url('assessments:list') }}"),
]
CONTEXT = {
    "word": "ready <b>&</b>",
    "when": datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
    "note": "Good <i>work</i>\nkeep going",
    "status": "In progress",
    "names": ["Python", "<script>"],
}


@pytest.mark.parametrize("n", [0, 1, 2])
@pytest.mark.parametrize(("django", "jinja"), CASES)
@override_settings(TIME_ZONE="Europe/Paris")
def test_jinja2_prints_what_django_would(django, jinja, n):
    context = {**CONTEXT, "n": n}

    expected = engines["django"].from_string(django).render(context)
    printed = engines["jinja2"].from_string(jinja).render(context)

    assert printed == expected
    assert "<script>" not in printed and "<b>" not in printed
