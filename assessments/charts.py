"""The geometry of the inline SVG charts: a radar (coverage or levels per spoke), dumbbells
(your level against the required one, skill by skill) and a line chart (coverage over time),
laid out as plain numbers and point lists for the templates.

Plain Python, free of Django: what goes in is labels and numbers, what comes out is where to
draw them, and for the line chart its SVG shapes too. The templates (report_body.jinja,
progress.html) put it on the page; report.css styles it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from operator import itemgetter

# A ladder's own words (skill, category and level names, level statements), escaped: a report
# prints the same few hundred of them in several tables and charts. Never a person's words.
escape_ladder_text = lru_cache(maxsize=8192)(escape)

# --- Radar chart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RadarLabel:
    x: float
    y: float
    anchor: str  # text-anchor
    rotate: float  # degrees, about (x, y)
    text: str
    # The text as drawn: a line each, with its baseline. Few spokes: up to two lines, so
    # that the labels stay short beside the chart and can be drawn large.
    lines: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class RadarRing:
    points: str
    label: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Radar:
    """A radar chart laid out for inline SVG: polygons as `points` strings."""

    id: str
    title: str
    description: str
    width: float  # of the viewBox
    height: float
    center_x: float
    center_y: float
    rings: tuple[RadarRing, ...]
    spokes: tuple[tuple[float, float], ...]  # outer end of each spoke
    required: str
    rated: str
    dots: tuple[tuple[float, float], ...]
    labels: tuple[RadarLabel, ...]

    @property
    def shapes(self) -> str:
        """The chart's grid, rings, outlines, dots and labels as SVG markup for inside its
        <svg>, every text escaped: made here, as the line chart's are, because a template loop
        over so many numbers costs more than the rest of the figure."""
        cx, cy = self.center_x, self.center_y
        return "".join(
            [
                '<g class="radar-grid">',
                *(f'<polygon points="{ring.points}"/>' for ring in self.rings),
                *(f'<line x1="{cx}" y1="{cy}" x2="{x}" y2="{y}"/>' for x, y in self.spokes),
                '</g><g class="radar-ring-labels">',
                *(
                    f'<text x="{ring.label_x}" y="{ring.label_y}">{escape(ring.label)}</text>'
                    for ring in self.rings
                ),
                f'</g><polygon class="radar-required" points="{self.required}"/>'
                f'<polygon class="radar-rated" points="{self.rated}"/>',
                *(f'<circle class="radar-dot" cx="{x}" cy="{y}" r="3.5"/>' for x, y in self.dots),
                '<g class="radar-labels">',
                *map(_radar_label, self.labels),
                "</g>",
            ]
        )


def _radar_label(label: RadarLabel) -> str:
    """A spoke's label: along the spoke when rotated, else a <text> per line."""
    if label.rotate:
        return (
            f'<text x="{label.x}" y="{label.y}" text-anchor="{label.anchor}" '
            f'dominant-baseline="middle" transform="rotate({label.rotate} {label.x} {label.y})">'
            f"{escape(label.text)}</text>"
        )
    return "".join(
        f'<text x="{label.x}" y="{y}" text-anchor="{label.anchor}">{escape(line)}</text>'
        for line, y in label.lines
    )


RADAR_RADIUS = 150
LABEL_CHARS = 22
# Labels of a radar with few spokes: lines of this many characters at most, two lines at most,
# drawn at LABEL_SIZE units (report.css), LABEL_LINE apart. The chart is then 670 units wide:
# on a 320 px screen (288 px for the chart) they are still 11 px, on a 375 px one 13 px.
LINE_CHARS = 13
LABEL_SIZE = 26
LABEL_LINE = 28


def radar(
    chart_id: str,
    title: str,
    description: str,
    axes: Sequence[tuple[str, float, float]],
    *,
    maximum: float,
    rings: Sequence[tuple[float, str]],
) -> Radar | None:
    """Axes are (label, rated, required) on 0..maximum, drawn clockwise from the top. None
    under three axes: two spokes make a line, not a shape (the table says it all)."""
    count = len(axes)
    if count < 3:
        return None
    # Many spokes: labels run along them, or neighbours would overlap.
    radial = count > 8
    # Room for the labels: all round when they run along the spokes, else beside the chart
    # (two lines of LINE_CHARS) and two lines above and below it.
    margin_x, margin_y = (175, 175) if radial else (185, 2 * LABEL_LINE + 16)
    center_x, center_y = RADAR_RADIUS + margin_x, RADAR_RADIUS + margin_y
    angles = [2 * math.pi * i / count for i in range(count)]

    def point(angle: float, value: float) -> tuple[float, float]:
        distance = RADAR_RADIUS * value / maximum
        return (
            round(center_x + distance * math.sin(angle), 1),
            round(center_y - distance * math.cos(angle), 1),
        )

    def polygon(values: Sequence[float]) -> str:
        return " ".join(f"{x},{y}" for x, y in map(point, angles, values))

    labels = []
    for angle, (text, _, _) in zip(angles, axes, strict=True):
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"
        x, y = point(angle, maximum * (RADAR_RADIUS + 10) / RADAR_RADIUS)
        sine, cosine = math.sin(angle), math.cos(angle)
        if radial:
            degrees = math.degrees(angle) - 90
            right = sine > 1e-9 or (abs(sine) <= 1e-9 and cosine > 0)
            labels.append(
                RadarLabel(
                    x=x,
                    y=y,
                    anchor="start" if right else "end",
                    rotate=round(degrees if right else degrees + 180, 1),
                    text=short,
                    lines=((short, y),),
                )
            )
        else:
            anchor = "start" if sine > 0.1 else "end" if sine < -0.1 else "middle"
            lines = _label_lines(text)
            # Top and bottom labels sit clear of the spoke's end, the others centred on it.
            if cosine > 0.9:
                first = y - 6 - LABEL_LINE * (len(lines) - 1)
            elif cosine < -0.9:
                first = y + LABEL_SIZE
            else:
                first = y + LABEL_SIZE / 3 - LABEL_LINE * (len(lines) - 1) / 2
            labels.append(
                RadarLabel(
                    x=x,
                    y=round(y, 1),
                    anchor=anchor,
                    rotate=0,
                    text=" ".join(lines),
                    lines=tuple(
                        (line, round(first + LABEL_LINE * i, 1)) for i, line in enumerate(lines)
                    ),
                )
            )
    return Radar(
        id=chart_id,
        title=title,
        description=description,
        width=2 * center_x,
        height=2 * center_y,
        center_x=center_x,
        center_y=center_y,
        # Ring labels sit between the first two spokes, clear of the axis labels.
        rings=tuple(
            RadarRing(points=polygon([value] * count), label=label, label_x=x + 3, label_y=y - 3)
            for value, label in rings
            for x, y in [point(math.pi / count, value)]
        ),
        spokes=tuple(point(angle, maximum) for angle in angles),
        required=polygon([required for _, _, required in axes]),
        rated=polygon([rated for _, rated, _ in axes]),
        dots=tuple(point(angle, rated) for angle, (_, rated, _) in zip(angles, axes, strict=True)),
        labels=tuple(labels),
    )


def _label_lines(text: str) -> list[str]:
    """The words of a label in lines of LINE_CHARS at most, two lines at most: a word too long
    for a line is cut, and what does not fit ends in an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2 or any(len(line) > LINE_CHARS for line in lines):
        lines = lines[:2]
        lines = [line[: LINE_CHARS - 1] + "…" if len(line) > LINE_CHARS else line for line in lines]
        if len(text.split()) > len(" ".join(lines).split()) and not lines[-1].endswith("…"):
            lines[-1] = lines[-1][: LINE_CHARS - 1].rstrip() + "…"
    return lines


# --- Coverage bar ------------------------------------------------------------------------------


def coverage_bar(percent: int, verdict: str, close_mark: float, ready_mark: float) -> str:
    """A role's coverage as a bar on 0..100 with the close and ready thresholds marked, each
    mark a dark line in a white one: seen on the filled bar and on the empty track."""
    marks = (close_mark, ready_mark)
    return "".join(
        [
            '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"'
            ' focusable="false"><rect class="bar-track" width="100" height="10"/>'
            f'<rect class="bar-fill bar-{escape(verdict)}" width="{percent}" height="10"/>',
            *(f'<line class="bar-mark-halo" x1="{x}" x2="{x}" y1="0" y2="10"/>' for x in marks),
            *(f'<line class="bar-mark" x1="{x}" x2="{x}" y1="0" y2="10"/>' for x in marks),
            "</svg>",
        ]
    )


# --- Dumbbells ---------------------------------------------------------------------------------

# Dumbbell rows are drawn in percent of their width (no viewBox, so nothing scales: dots stay
# round and labels keep their size at any width); this much is kept clear at either end so a
# dot at 0 or at the top level is whole.
DUMBBELL_MARGIN = 4.0
DUMBBELL_Y = 12  # the middle of a track 24 px high (report.css)


def dumbbell_positions(maximum: int) -> tuple[str, ...]:
    """Where each level 0..maximum sits along a row ("52%"), clear of the row's ends."""
    return tuple(dumbbell_x(level, maximum) for level in range(maximum + 1))


@lru_cache(maxsize=16)
def dumbbell_scale(maximum: int) -> str:
    """The levels' numbers along a row, as SVG text, printed above each group."""
    return "".join(
        f'<text x="{x}" y="14" text-anchor="middle">{level}</text>'
        for level, x in enumerate(dumbbell_positions(maximum))
    )


def dumbbells(groups: Iterable[tuple[str, Sequence[tuple[str, int, int]]]], *, maximum: int) -> str:
    """Groups of (label, rated, required) on 0..maximum as the report's HTML, every text
    escaped: each group's title, then its rows below their requirement, the biggest gaps
    first, under the levels' scale, then the others folded away; empty groups are left out.
    Made in one piece, with no object per row: a report holds a row per requirement of two
    roles or more."""
    positions = dumbbell_positions(maximum)
    return "".join(
        _dumbbell_group(title, rows, positions, maximum) for title, rows in groups if rows
    )


def _dumbbell_group(
    title: str, rows: Sequence[tuple[str, int, int]], positions: Sequence[str], maximum: int
) -> str:
    # Biggest gap first; sorted() is stable, reversed too: equal gaps keep the order given.
    ranked = sorted(
        [
            (required - rated if required > rated else 0, label, rated, required)
            for label, rated, required in rows
        ],
        key=itemgetter(0),
        reverse=True,
    )
    shorts = sum(1 for row in ranked if row[0])
    parts = [f'<h4 class="dumbbell-group">{escape_ladder_text(title)}</h4>']
    if shorts:
        parts.append(
            '<div class="dumbbell dumbbell-scale" aria-hidden="true"><span></span>'
            f'<svg class="dumbbell-track">{dumbbell_scale(maximum)}</svg><span></span></div>'
            f'<ul class="dumbbell-rows">{_dumbbell_items(ranked[:shorts], positions)}</ul>'
        )
    met = len(ranked) - shorts
    if met:
        summary = (
            f"{met} more at or above the required level"
            if shorts
            else f"All {met} at or above the required level"
        )
        parts.append(
            f'<details class="dumbbell-met"><summary>{summary}</summary>'
            f'<ul class="dumbbell-rows">{_dumbbell_items(ranked[shorts:], positions)}</ul>'
            "</details>"
        )
    return "".join(parts)


def _dumbbell_items(rows: Iterable[tuple[int, str, int, int]], positions: Sequence[str]) -> str:
    return "".join(
        [
            f'<li class="dumbbell"><span class="dumbbell-name">{escape_ladder_text(label)}'
            f"</span>{_dumbbell_rest(positions[rated], positions[required], rated, required)}"
            for _, label, rated, required in rows
        ]
    )


@lru_cache(maxsize=1024)
def _dumbbell_rest(rated_x: str, required_x: str, rated: int, required: int) -> str:
    """A row after its name, made of numbers only: the bar joining the two levels (when they
    differ; marked short when yours is below), the required level as a ring, yours as a dot
    above it, drawn at y = DUMBBELL_Y in a track 24 px high (report.css); then the figures
    ("you 2, needs 4"). The same few dozen pairs of levels recur in every report: each is
    drawn once."""
    bar = ""
    if rated != required:
        short = " is-short" if rated < required else ""
        start_x, end_x = (rated_x, required_x) if rated <= required else (required_x, rated_x)
        bar = (
            f'<line class="dumbbell-bar{short}" x1="{start_x}" x2="{end_x}" '
            f'y1="{DUMBBELL_Y}" y2="{DUMBBELL_Y}"/>'
        )
    return (
        f'<svg class="dumbbell-track" aria-hidden="true">{bar}<circle class="dumbbell-required"'
        f' cx="{required_x}" cy="{DUMBBELL_Y}" r="7"/><circle class="dumbbell-you" '
        f'cx="{rated_x}" cy="{DUMBBELL_Y}" r="5"/></svg>'
        f'<span class="dumbbell-numbers">you {rated}, needs {required}</span></li>'
    )


def dumbbell_x(level: float, maximum: int) -> str:
    return f"{round(DUMBBELL_MARGIN + (100 - 2 * DUMBBELL_MARGIN) * level / maximum, 2):g}%"


# --- Line chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartLine:
    title: str
    index: int  # picks the colour and dash pattern
    dash: str  # stroke-dasharray ("" for solid): lines differ by more than colour
    segments: tuple[str, ...]  # polyline points; a role missing from a version breaks its line
    dots: tuple[tuple[float, float, str], ...]  # x, y, what the point says
    label_y: float


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    thresholds: tuple[tuple[float, str], ...]
    lines: tuple[ChartLine, ...]

    @property
    def label_x(self) -> float:
        return self.right + 10

    @property
    def shapes(self) -> str:
        """The chart's axes, thresholds and lines as SVG markup for inside its <svg>, every
        text escaped: a line per role, each with its own end label, is too many template
        nodes for a page that draws it on every view."""
        return "".join(
            [
                '<g class="axis">',
                *(self._level(y, label, "grid-line", "") for y, label in self.y_ticks),
                *(
                    f'<text x="{x}" y="{int(self.bottom) + 22}" text-anchor="middle">'
                    f"{escape(label)}</text>"
                    for x, label in self.x_ticks
                ),
                "</g>",
                *(
                    self._level(y, label, "threshold", ' class="threshold-label"')
                    for y, label in self.thresholds
                ),
                *map(self._series, self.lines),
            ]
        )

    def _level(self, y: float, label: str, line_class: str, label_class: str) -> str:
        """A level across the chart, labelled on the axis (left of it, as the template's
        `add` filter rounded it)."""
        return (
            f'<line class="{line_class}" x1="{self.left}" x2="{self.right}" y1="{y}" y2="{y}"/>'
            f'<text x="{int(self.left) - 8}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle"{label_class}>{escape(label)}</text>'
        )

    def _series(self, line: ChartLine) -> str:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        return "".join(
            [
                f'<g class="series series-{line.index}">',
                *(f'<polyline points="{points}"{dash}/>' for points in line.segments),
                *(
                    f'<circle cx="{x}" cy="{y}" r="4"><title>{escape(text)}</title></circle>'
                    for x, y, text in line.dots
                ),
                f'<text class="series-label" x="{self.label_x}" y="{line.label_y}" '
                f'dominant-baseline="middle">{escape(line.title)}</text></g>',
            ]
        )


DASHES = ("", "8 4", "2 4", "12 4 2 4")
SERIES_STYLES = 8  # .series-0 .. .series-7 in report.css
LABEL_GAP = 15
SERIES_LABEL_CHAR = 9.0  # the widest a character of a line's bold end label runs
DOT_SPACING = 20  # units between points below which dots (radius 4) would merge into a bar
DATE_SPACING = 85  # units between date labels: "24 Oct 2022" at 14 units is about 80 wide


def line_chart(
    dates: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    *,
    thresholds: Sequence[tuple[int, str]] = (),
) -> LineChart:
    """Coverage percents (0..100) over assessments, one line per role, labelled at its end.
    A dot marks each point while they are far enough apart to tell; closer, only the last."""
    height = 320.0
    left, right, top, bottom = 84.0, 570.0, 14.0, 270.0
    # Wide enough for the longest role title at the lines' end, in bold 14-unit type.
    longest = max((len(title) for title, _ in series), default=0)
    width = max(760.0, right + 10 + SERIES_LABEL_CHAR * longest + 4)
    count = len(dates)
    step = (right - left) / (count - 1) if count > 1 else 0.0
    # Every line has a point at each date: where they fall across is worked out once. A
    # single assessment sits in the middle.
    xs = [round(left + position * step, 1) for position in range(count)]
    if count == 1:
        xs = [round((left + right) / 2, 1)]

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / 100, 1)

    shown = _date_positions(count, step)

    lines = []
    for index, (title, values) in enumerate(series):
        segments, current, points = [], [], []
        for position, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            x, y = xs[position], y_of(value)
            current.append(f"{x},{y}")
            points.append((x, y, position))
        if current:
            segments.append(" ".join(current))
        if not points:
            continue
        if step < DOT_SPACING:
            points = points[-1:]
        lines.append(
            ChartLine(
                title=title,
                index=index % SERIES_STYLES,
                dash=DASHES[index % len(DASHES)],
                segments=tuple(segments),
                dots=tuple(
                    (x, y, f"{title}: {values[position]}% on {dates[position]}")
                    for x, y, position in points
                ),
                label_y=points[-1][1],
            )
        )
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        # Thresholds are labelled on the axis, in place of a tick too close to read beside them.
        y_ticks=tuple(
            (y_of(value), f"{value}%")
            for value in (0, 25, 50, 75, 100)
            if all(abs(value - threshold) >= 8 for threshold, _ in thresholds)
        ),
        x_ticks=tuple((xs[position], dates[position]) for position in shown),
        thresholds=tuple((y_of(value), f"{label} {value}%") for value, label in thresholds),
        lines=_spread_labels(lines, top, bottom),
    )


def _date_positions(count: int, step: float) -> list[int]:
    """The points whose dates label the axis: as many as fit DATE_SPACING apart, evenly spread
    from the first to the last, each on a point."""
    labels = count
    while labels > 2 and (count - 1) // (labels - 1) * step < DATE_SPACING:
        labels -= 1
    spacing = (count - 1) / max(labels - 1, 1)
    # Rounded half up, so that no two labels come closer than `spacing` rounded down.
    return sorted({int(i * spacing + 0.5) for i in range(labels)})


def _spread_labels(lines: list[ChartLine], top: float, bottom: float) -> tuple[ChartLine, ...]:
    """Move end labels apart so that none overlaps another, keeping their order."""
    order = sorted(range(len(lines)), key=lambda i: lines[i].label_y)
    placed: dict[int, float] = {}
    previous = top - LABEL_GAP
    for i in order:
        placed[i] = max(lines[i].label_y, previous + LABEL_GAP)
        previous = placed[i]
    # Then back up from the bottom, so the stack stays inside the chart.
    limit = bottom + 4
    for i in reversed(order):
        placed[i] = min(placed[i], limit)
        limit = placed[i] - LABEL_GAP
    return tuple(
        ChartLine(
            title=line.title,
            index=line.index,
            dash=line.dash,
            segments=line.segments,
            dots=line.dots,
            label_y=round(placed[i], 1),
        )
        for i, line in enumerate(lines)
    )
