"""Display filters for ladder pages: salary and experience text, level labels and pips."""

from __future__ import annotations

from django import template

from roles.models import Role

register = template.Library()

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
NO_SALARY = "No salary figure in the source"
EN_DASH = "\u2013"


def _money(amount: int, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol:
        return f"{symbol}{amount:,}"
    return f"{currency.upper()} {amount:,}".strip()


@register.filter
def salary(role: Role) -> str:
    """A range with an en dash ("$131,158 - $200,000 (USD, 2024)"), an average
    ("average $137,700 (USD, 2024)"), or a plain note when the source gives no figure."""
    low, high, average = role.salary_min, role.salary_max, role.salary_average
    currency = role.salary_currency or ""
    figures = []
    if low is not None and high is not None:
        figures.append(f"{_money(low, currency)} {EN_DASH} {_money(high, currency)}")
    elif low is not None:
        figures.append(f"from {_money(low, currency)}")
    elif high is not None:
        figures.append(f"up to {_money(high, currency)}")
    if average is not None:
        figures.append(f"average {_money(average, currency)}")
    if not figures:
        return NO_SALARY
    context = ", ".join(str(part) for part in (currency.upper(), role.salary_year) if part)
    text = ", ".join(figures)
    return f"{text} ({context})" if context else text


@register.filter
def experience(role: Role) -> str:
    """ "0-3 years" (with an en dash), "7+ years", "up to 2 years", or "" when the source
    gives nothing."""
    low, high = role.experience_min, role.experience_max

    def years(n: int) -> str:
        return "year" if n == 1 else "years"

    if low is not None and high is not None:
        if low == high:
            return f"{low} {years(low)}"
        return f"{low}{EN_DASH}{high} years"
    if low is not None:
        return f"{low}+ years"
    if high is not None:
        return f"up to {high} {years(high)}"
    return ""


@register.filter
def level_label(level: int, scale: list[str]) -> str:
    """ "3 · Practitioner": the number and the scale's name for it."""
    try:
        return f"{level} · {scale[level]}"
    except (IndexError, TypeError):
        return str(level)


@register.filter
def pips(level: int, max_level: int) -> list[bool]:
    """One flag per level 1..max_level: filled up to the given level."""
    return [step <= level for step in range(1, max_level + 1)]
