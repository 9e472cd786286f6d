"""The Jinja2 environment of the pages whose body is a Jinja2 template (the report:
templates/assessments/*.jinja), with the few helpers of the Django template language they use,
so that they print what the same template would in Django's language."""

from __future__ import annotations

from django.template import defaultfilters
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment


def environment(**options) -> Environment:
    # As in Django's language: a missing attribute, even of a missing one, prints nothing.
    options["undefined"] = ChainableUndefined
    env = Environment(keep_trailing_newline=True, **options)
    env.globals["url"] = url
    env.filters.update(
        capfirst=defaultfilters.capfirst,
        date=date,
        linebreaksbr=linebreaksbr,
        pluralize=defaultfilters.pluralize,
        slugify=defaultfilters.slugify,
    )
    return env


def url(name: str, *args) -> str:
    """{% url name arg... %}"""
    return reverse(name, args=args)


def date(value, format_string: str) -> str:
    """|date:"format", in the current time zone as Django's filter prints it."""
    return defaultfilters.date(template_localtime(value), format_string)


def linebreaksbr(value) -> SafeString:
    """|linebreaksbr, escaping the text first."""
    return defaultfilters.linebreaksbr(value, autoescape=True)
