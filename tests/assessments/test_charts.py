"""The geometry of the report's radar charts and the progress page's line chart: where each
value lands, how it scales, where labels go and how they keep clear of each other. Plain
numbers in and out: no database, no templates."""

from __future__ import annotations

import math
import re
from itertools import pairwise

import pytest

from assessments import charts
from assessments.charts import DATE_SPACING, LABEL_CHARS, LABEL_GAP, SERIES_STYLES, line_chart


def radar(axes, *, maximum=1.0, rings=()):
    return charts.radar("chart", "title", "description", axes, maximum=maximum, rings=rings)


def points(polygon: str) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in polygon.split()]


# --- Radar -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 2])
def test_a_radar_needs_three_spokes(count):
    assert radar([(f"S{i}", 1, 1) for i in range(count)]) is None


def test_three_spokes_start_at_the_top_and_turn_clockwise():
    chart = radar([("A", 1, 1), ("B", 1, 1), ("C", 1, 1)])

    # Radius 150 around (335, 222): room for two lines of label (28 apart) above and below,
    # 185 beside; spokes 120 degrees apart.
    assert (chart.center_x, chart.center_y) == (335, 222)
    assert (chart.width, chart.height) == (670, 444)
    assert chart.spokes == ((335.0, 72.0), (464.9, 297.0), (205.1, 297.0))
    assert points(chart.required) == list(chart.spokes)


def test_values_land_on_their_spoke_in_proportion_to_the_maximum():
    chart = radar([("A", 4, 4), ("B", 2, 4), ("C", 0, 4), ("D", 1, 2)], maximum=4, rings=[(4, "4")])

    assert points(chart.rated) == [(335.0, 72.0), (410.0, 222.0), (335.0, 222.0), (297.5, 222.0)]
    assert points(chart.required) == [(335.0, 72.0), (485.0, 222.0), (335.0, 372.0), (260.0, 222.0)]
    # A value of 0 sits at the centre; every rated value has its dot.
    assert chart.dots == tuple(points(chart.rated))


def test_rings_are_regular_and_labelled_between_the_first_two_spokes():
    chart = radar(
        [("A", 1, 1), ("B", 1, 1), ("C", 1, 1), ("D", 1, 1)], rings=[(0.5, "50%"), (1.0, "100%")]
    )

    half, full = chart.rings
    assert points(half.points) == [(335.0, 147.0), (410.0, 222.0), (335.0, 297.0), (260.0, 222.0)]
    assert points(full.points) == list(chart.spokes)
    # Half-way between spoke A (up) and spoke B (right), 75 from the centre, nudged off the line.
    assert (half.label, half.label_x, half.label_y) == ("50%", 391.0, 166.0)
    assert full.label_x > half.label_x and full.label_y < half.label_y


def test_few_spokes_are_labelled_level_beside_their_ends():
    chart = radar([("Up", 1, 1), ("Right", 1, 1), ("Down", 1, 1), ("Left", 1, 1)])

    labels = chart.labels
    assert [label.anchor for label in labels] == ["middle", "start", "middle", "end"]
    assert all(label.rotate == 0 for label in labels)
    # 10 beyond the spoke's end; the top label's baseline above it, the bottom one's a line
    # (26) below it, the side ones a third of a line down, centred on it.
    assert (labels[0].x, labels[0].y, labels[0].lines) == (335.0, 62.0, (("Up", 56.0),))
    assert (labels[1].x, labels[1].y, labels[1].lines) == (495.0, 222.0, (("Right", 230.7),))
    assert (labels[2].x, labels[2].y, labels[2].lines) == (335.0, 382.0, (("Down", 408.0),))
    assert (labels[3].x, labels[3].y, labels[3].lines) == (175.0, 222.0, (("Left", 230.7),))


def test_few_spokes_wrap_their_labels_onto_two_lines_growing_away_from_the_chart():
    chart = radar([("Technical skills", 1, 1), ("Operational skills", 1, 1), ("Soft skills", 1, 1)])

    top, right, _ = chart.labels
    # Above the chart, the first line goes up a line; beside it, the two centre on the spoke.
    assert top.lines == (("Technical", 28.0), ("skills", 56.0))
    assert [line for line, _ in right.lines] == ["Operational", "skills"]
    assert right.lines[1][1] - right.lines[0][1] == charts.LABEL_LINE
    middle = (right.lines[0][1] + right.lines[1][1]) / 2
    assert middle == pytest.approx(right.y + charts.LABEL_SIZE / 3, abs=0.1)


def test_many_spokes_are_labelled_along_them_reading_outwards():
    count = 12
    chart = radar([(f"Skill {i}", 1, 1) for i in range(count)])

    # Room all round: the labels point outwards on every side.
    assert (chart.center_x, chart.center_y) == (325, 325)
    for index, label in enumerate(chart.labels):
        spoke = 360 * index / count - 90
        if index < count / 2:  # the right half, the top spoke included: read outwards
            assert label.anchor == "start"
            assert label.rotate == spoke
        else:  # the left half is turned round so that it does not read upside down
            assert label.anchor == "end"
            assert (label.rotate - spoke) % 360 == 180


def test_long_labels_are_shortened_with_an_ellipsis():
    exact = "x" * LABEL_CHARS
    long = "Machine learning frameworks and libraries"
    many = radar([(exact, 1, 1), (long, 1, 1), ("Short", 1, 1)] + [("S", 1, 1)] * 6)
    few = radar([(long, 1, 1), ("Supercalifragilistic skills", 1, 1), ("Short", 1, 1)])

    # Along the spokes: one line of LABEL_CHARS at most.
    assert many.labels[0].text == exact
    assert many.labels[1].text == "Machine learning fram…"
    assert len(many.labels[1].text) <= LABEL_CHARS
    assert many.labels[2].text == "Short"
    # Beside them: two lines of LINE_CHARS at most, a cut word or line ending in an ellipsis.
    assert [line for line, _ in few.labels[0].lines] == ["Machine", "learning…"]
    assert [line for line, _ in few.labels[1].lines] == ["Supercalifra…", "skills"]
    assert few.labels[2].text == "Short"


# --- Line chart --------------------------------------------------------------------------------


def test_a_single_assessment_is_a_point_in_the_middle():
    chart = line_chart(["1 Mar 2025"], [("Junior", [50])])

    (line,) = chart.lines
    assert line.segments == ("327.0,142.0",)
    assert line.dots == ((327.0, 142.0, "Junior: 50% on 1 Mar 2025"),)
    assert chart.x_ticks == ((327.0, "1 Mar 2025"),)
    assert line.label_y == 142.0


def test_assessments_spread_from_left_to_right_and_coverage_scales_to_the_height():
    chart = line_chart(["a", "b", "c"], [("Junior", [0, 50, 100])])

    (line,) = chart.lines
    assert (chart.left, chart.right, chart.top, chart.bottom) == (84.0, 570.0, 14.0, 270.0)
    assert points(line.segments[0]) == [(84.0, 270.0), (327.0, 142.0), (570.0, 14.0)]
    assert chart.x_ticks == ((84.0, "a"), (327.0, "b"), (570.0, "c"))
    assert chart.label_x == 580.0


def test_two_assessments_sit_at_either_end():
    chart = line_chart(["a", "b"], [("Junior", [20, 40])])

    assert [x for x, _ in chart.x_ticks] == [84.0, 570.0]


def test_a_role_missing_from_a_version_breaks_its_line_and_an_absent_role_has_none():
    chart = line_chart(
        ["a", "b", "c", "d"],
        [("Junior", [10, None, 30, 40]), ("Gone", [None, None, None, None]), ("Lead", [5] * 4)],
    )

    junior, lead = chart.lines
    assert [len(points(segment)) for segment in junior.segments] == [1, 2]
    assert len(junior.dots) == 3
    # Styles follow the role's place in the ladder, not the lines drawn.
    assert (junior.index, lead.index) == (0, 2)
    assert lead.title == "Lead"


def test_the_chart_widens_so_the_longest_end_label_fits():
    short = line_chart(["a", "b"], [("Lead", [20, 40])])
    title = "Senior Machine Learning Operations Engineer"
    long = line_chart(["a", "b"], [("Lead", [20, 40]), (title, [30, 50])])
    assert short.width == 760
    assert long.width >= long.label_x + charts.SERIES_LABEL_CHAR * len(title)
    # The plot keeps its place; only the room for labels grows.
    assert (long.left, long.right) == (short.left, short.right)


def test_lines_differ_by_dash_as_well_as_colour_and_styles_repeat():
    chart = line_chart(["a", "b"], [(f"Role {i}", [i, i]) for i in range(SERIES_STYLES + 1)])

    assert [line.index for line in chart.lines] == [*range(SERIES_STYLES), 0]
    dashes = [line.dash for line in chart.lines]
    assert dashes[:4] == ["", "8 4", "2 4", "12 4 2 4"]
    assert dashes[4:8] == dashes[:4]


def test_end_labels_at_the_same_height_move_apart_in_order():
    chart = line_chart(["a", "b"], [("A", [10, 50]), ("B", [20, 50]), ("C", [30, 50])])

    assert [line.label_y for line in chart.lines] == [142.0, 157.0, 172.0]


@pytest.mark.parametrize("end", [0, 100])
def test_end_labels_stay_inside_the_chart_at_the_bottom_and_the_top(end):
    chart = line_chart(["a", "b"], [(name, [50, end]) for name in "ABCD"])

    placed = [line.label_y for line in chart.lines]
    assert all(later - earlier >= LABEL_GAP for earlier, later in pairwise(placed))
    assert chart.top <= placed[0] and placed[-1] <= chart.bottom + 4


def test_end_labels_apart_already_stay_where_their_line_ends():
    chart = line_chart(["a", "b"], [("A", [0, 10]), ("B", [0, 60]), ("C", [0, 95])])

    assert [line.label_y for line in chart.lines] == [line.dots[-1][1] for line in chart.lines]


def test_thresholds_are_marked_and_replace_ticks_too_close_to_read():
    chart = line_chart(["a", "b"], [("A", [1, 2])], thresholds=[(90, "ready"), (75, "close")])

    assert chart.thresholds == ((39.6, "ready 90%"), (78.0, "close 75%"))
    assert [label for _, label in chart.y_ticks] == ["0%", "25%", "50%", "100%"]


@pytest.mark.parametrize("count", [7, 20, 50, 200])
def test_many_dates_are_thinned_out_evenly_from_the_first_to_the_last(count):
    dates = [f"{position} Oct 2022" for position in range(count)]
    chart = line_chart(dates, [("A", [position % 100 for position in range(count)])])

    shown = [label for _, label in chart.x_ticks]
    assert shown[0] == dates[0] and shown[-1] == dates[-1]
    assert len(shown) <= 8
    xs = [x for x, _ in chart.x_ticks]
    gaps = [later - earlier for earlier, later in pairwise(xs)]
    # Wide enough apart for a date to be read, and evenly so, within a point's width.
    assert min(gaps) >= DATE_SPACING
    assert max(gaps) - min(gaps) <= (chart.right - chart.left) / (count - 1) + 0.2
    assert math.isclose(xs[-1], chart.right)


def test_a_few_dates_are_all_shown():
    chart = line_chart(["a", "b", "c", "d", "e"], [("A", [1, 2, 3, 4, 5])])

    assert [label for _, label in chart.x_ticks] == ["a", "b", "c", "d", "e"]


def test_the_line_charts_texts_are_escaped_and_its_shapes_drawn_where_laid_out():
    chart = line_chart(
        ["<b>1 Mar</b>", "2 Apr & after"],
        [("R&D <lead>", [40, 60]), ("Ops", [None, 50])],
        thresholds=[(90, "<ready>")],
    )

    shapes = chart.shapes
    assert "<b>" not in shapes and "<lead>" not in shapes and "<ready>" not in shapes
    assert '<text x="84.0" y="292" text-anchor="middle">&lt;b&gt;1 Mar&lt;/b&gt;</text>' in shapes
    assert ">2 Apr &amp; after</text>" in shapes
    assert "<title>R&amp;D &lt;lead&gt;: 60% on 2 Apr &amp; after</title>" in shapes
    assert 'class="threshold-label">&lt;ready&gt; 90%</text>' in shapes
    lead, ops = chart.lines
    assert shapes.count("<polyline") == 2
    assert f'<polyline points="{lead.segments[0]}"/>' in shapes
    assert f'<polyline points="{ops.segments[0]}" stroke-dasharray="8 4"/>' in shapes
    assert shapes.count('<circle cx="570.0"') == 2
    assert f'x="{chart.label_x}" y="{ops.label_y}" dominant-baseline="middle">Ops</text>' in shapes


# --- Dumbbells -----------------------------------------------------------------------------------


def dumbbell_rows(chart: str) -> list[dict]:
    """The rows of drawn dumbbells, in order: name, figures and the track's numbers."""
    pattern = (
        r'<li class="dumbbell"><span class="dumbbell-name">(?P<name>.*?)</span>'
        r'(?P<track><svg class="dumbbell-track" aria-hidden="true">.*?</svg>)'
        r'<span class="dumbbell-numbers">you (?P<rated>\d+), needs (?P<required>\d+)</span></li>'
    )
    return [match.groupdict() for match in re.finditer(pattern, chart)]


def dots(track: str) -> tuple[str, str]:
    """(your x, the required x) of a drawn track."""
    required = re.search(r'class="dumbbell-required" cx="([^"]+)"', track).group(1)
    you = re.search(r'class="dumbbell-you" cx="([^"]+)"', track).group(1)
    return you, required


def test_dumbbells_place_both_levels_along_the_row_clear_of_its_ends():
    chart = charts.dumbbells([("Tools", [("Docker", 0, 5), ("Helm", 5, 0)])], maximum=5)

    docker, helm = dumbbell_rows(chart)
    # 4 % kept at either end, 92 % for the scale: 0 at 4 %, 5 at 96 %.
    assert dots(docker["track"]) == ("4%", "96%")
    assert dots(helm["track"]) == ("96%", "4%")
    assert charts.dumbbell_positions(5) == ("4%", "22.4%", "40.8%", "59.2%", "77.6%", "96%")
    scale = re.findall(r'<text x="([^"]+)" y="14" text-anchor="middle">(\d)</text>', chart)
    assert scale == [(x, str(level)) for level, x in enumerate(charts.dumbbell_positions(5))]


def test_the_bar_joins_the_two_dots_whichever_is_higher():
    chart = charts.dumbbells([("Tools", [("Short", 1, 3), ("Above", 4, 2)])], maximum=5)

    short, above = dumbbell_rows(chart)
    assert 'x1="22.4%" x2="59.2%"' in short["track"]  # from yours up to the required level
    assert 'x1="40.8%" x2="77.6%"' in above["track"]  # from the required level up to yours
    assert "is-short" in short["track"]
    assert "is-short" not in above["track"]


def test_a_level_on_the_requirement_draws_no_bar_only_the_two_dots():
    chart = charts.dumbbells([("Tools", [("Met", 3, 3)])], maximum=5)

    (met,) = dumbbell_rows(chart)
    assert "<line" not in met["track"]
    assert met["track"].count("<circle") == 2


def test_dumbbells_come_biggest_gap_first_within_each_group_in_the_given_order_after():
    chart = charts.dumbbells(
        [
            ("Technical", [("A", 3, 3), ("B", 0, 2), ("C", 4, 3), ("D", 1, 3), ("E", 2, 3)]),
            ("Empty", []),
            ("Tools", [("F", 0, 1)]),
        ],
        maximum=5,
    )

    groups = re.findall(r'<h4 class="dumbbell-group">(.*?)</h4>(.*?)(?=<h4|$)', chart)
    assert [title for title, _ in groups] == ["Technical", "Tools"]
    technical = groups[0][1]
    assert [row["name"] for row in dumbbell_rows(technical)] == ["B", "D", "E", "A", "C"]
    shown, folded = technical.split('<details class="dumbbell-met">')
    assert [row["name"] for row in dumbbell_rows(shown)] == ["B", "D", "E"]
    assert [row["name"] for row in dumbbell_rows(folded)] == ["A", "C"]
    assert (dumbbell_rows(shown)[0]["rated"], dumbbell_rows(shown)[0]["required"]) == ("0", "2")


@pytest.mark.parametrize("maximum", [3, 7])
def test_every_scale_spans_the_same_width(maximum):
    positions = charts.dumbbell_positions(maximum)

    assert len(positions) == maximum + 1
    assert (positions[0], positions[-1]) == ("4%", "96%")


def test_a_dumbbell_track_is_its_shapes_in_numbers():
    chart = charts.dumbbells([("G", [("Short", 1, 3), ("Above", 4, 2), ("Even", 2, 2)])], maximum=5)

    track = '<svg class="dumbbell-track" aria-hidden="true">'
    assert (
        '<li class="dumbbell"><span class="dumbbell-name">Short</span>' + track + ""
        '<line class="dumbbell-bar is-short" x1="22.4%" x2="59.2%" y1="12" y2="12"/>'
        '<circle class="dumbbell-required" cx="59.2%" cy="12" r="7"/>'
        '<circle class="dumbbell-you" cx="22.4%" cy="12" r="5"/></svg>'
        '<span class="dumbbell-numbers">you 1, needs 3</span></li>'
    ) in chart
    assert track + '<line class="dumbbell-bar" x1="40.8%" x2="77.6%"' in chart
    # Met exactly: no bar, your dot in the ring.
    assert track + '<circle class="dumbbell-required" cx="40.8%"' in chart


def test_dumbbell_groups_are_drawn_with_their_titles_escaped_and_met_rows_folded():
    body = charts.dumbbells(
        [("R&D <lab>", [("Short", 1, 3), ("Met", 3, 3)]), ("Tools", [("Above", 4, 2)])],
        maximum=5,
    )

    assert '<h4 class="dumbbell-group">R&amp;D &lt;lab&gt;</h4>' in body
    assert body.count('class="dumbbell dumbbell-scale"') == 1  # only a group with short rows
    assert "<summary>1 more at or above the required level</summary>" in body
    assert "<summary>All 1 at or above the required level</summary>" in body
