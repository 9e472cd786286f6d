"""A person's evidence beside a skill, as a mentor's review step and the report's next step and
tables show it: in full when short; when long, its first words, with all of it one click away (a
<details>, which works without JavaScript and with the keyboard), so that a paragraph of it
does not make its skill several times taller than the others."""

from __future__ import annotations

from html import escape

# Evidence longer than this many characters is folded after its first words.
PREVIEW = 180


def evidence_note(
    evidence: str, label: str, shown: str, css_class: str, *, short_tag: str = "p"
) -> str:
    """`label` (HTML), then `shown` (the evidence as HTML: escaped, its links made links...) in
    a `short_tag` element (a table cell's note is a span) of class `css_class`; in a <details>
    whose summary holds the start of the evidence when it is longer than PREVIEW characters."""
    if len(evidence) <= PREVIEW:
        return f'<{short_tag} class="{css_class}">{label} {shown}</{short_tag}>'
    # Whole words only, unless the first one is already too long.
    start = " ".join(evidence[:PREVIEW].split()[:-1]) or evidence[:PREVIEW]
    return (
        f'<details class="{css_class} evidence-folded"><summary>{label}'
        f' <span class="evidence-preview">{escape(start)}…</span>'
        f' <span class="evidence-more">Read all</span></summary><p>{shown}</p></details>'
    )
