"""Basins of attraction: gd.starts runs a grid of starts as lanes, each lane ending where a run from its start alone
ends; the basins view colours each start by that end, checked against separate runs classified here by hand."""

import numpy as np
import pytest
from app import clean, open_page, plain
from test_page_views import charts

import gd
from gd.lab.charts import BASIN_COLORS
from gd.params import ParameterError

HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848126)]  # its usual
# numbering: the deepest four, listed as the objective lists them


@pytest.mark.parametrize(("objective", "points", "eta"), [
    ("double_well", [-2.2, -1.0, 0.0, 0.15, 1.0, 2.2, 100.0], 0.1),
    ("himmelblau", [(0.0, 0.0), (4.0, 4.0), (-4.0, 4.0), (-4.0, -4.0), (4.0, -4.0), (-0.27, -0.92), (60.0, 60.0)],
     0.01),
    ("saddle", [(1.5, 0.0), (1.5, 0.01), (-1.0, -0.3), (0.0, 0.0)], 0.3)])
@pytest.mark.parametrize("optimizer", ["gd", "adam"])
@pytest.mark.parametrize("variant", ["batch", "sgd"])
def test_each_lane_ends_where_a_run_from_its_start_alone_ends(objective, points, eta, optimizer, variant):
    ends = gd.starts(eta, points, objective, optimizer=optimizer, variant=variant, max_iter=300, seed=3)
    for lane, point in enumerate(points):
        alone = gd.minimize(objective, eta=eta, theta0=point, optimizer=optimizer, variant=variant, max_iter=300,
                            seed=3)
        assert np.array_equal(ends.theta[lane], np.ravel(alone.theta), equal_nan=True), point
        assert (ends.status[lane], ends.iterations[lane]) == (alone.status, alone.iterations), point
        assert np.array_equal(ends.loss[lane], alone.loss, equal_nan=True), point


def test_a_start_where_j_is_undefined_ends_there_and_the_others_run():
    objective = gd.parse_objective("log(x) + (x - 2)^2")
    ends = gd.starts(0.1, [-1.0, 1.0], objective, max_iter=200)
    alone = gd.minimize(objective, eta=0.1, theta0=-1.0, max_iter=200)
    assert (ends.status[0], ends.iterations[0]) == (alone.status, 0)
    assert ends.status[1] == "converged"


def test_starts_are_refused_by_name():
    for bad in ([], "0,1", None):
        with pytest.raises(ParameterError) as refused:
            gd.starts(0.1, bad, "double_well")
        assert refused.value.name == "starts"
    with pytest.raises(ParameterError) as refused:
        gd.starts(0.1, [(0.0, 0.0), (float("inf"), 0.0)], "himmelblau")
    assert refused.value.name == "theta0"


def outcome_by_hand(result, minima, radius) -> str:
    """Where a run ended, as the basins view should say it: the numbered minimum its rule stopped it within radius of
    (converged, or stalled next to it), else how it ended."""
    if result.status in ("diverged", "left_domain"):
        return "diverged"
    if result.status == "max_iter":
        return "limit"
    near = [i for i, point in enumerate(minima) if np.all(np.abs(np.ravel(result.theta) - point) <= radius)]
    if near:
        return f"minimum-{near[0] + 1}"
    return "stalled" if result.status == "stalled" else "other"


def outcome_of(cell: dict) -> str:
    """A cell's outcome from the code the page sends (its place in the palette, which the chart looks up)."""
    return list(BASIN_COLORS)[cell["code"]]


def test_each_cell_of_himmelblaus_basins_is_where_a_separate_run_from_it_ends():
    """Every 37th start of each panel (26 of 961), run alone to the page's 200 updates and classified by hand against
    Himmelblau's four minima, within 5 % of the map's width (0.5)."""
    app = clean(open_page(view="basins", objective="himmelblau"))
    eta_panels = charts(app)[1:]  # after the key
    assert [spec["title"] for spec in eta_panels] == ["η = 0.002", "η = 0.01", "η = 0.02", "η = 0.03", "η = 0.04"]
    for spec in eta_panels[1:3]:
        eta = float(spec["title"].split("= ")[1])
        cells = next(rows for rows in spec["datasets"].values() if rows and "code" in rows[0])
        assert len(cells) == 31 * 31 and {(cell["i"], cell["j"]) for cell in cells} == {
            (i, j) for i in range(31) for j in range(31)}
        for cell in cells[::37]:  # the plot spans −5 … 5 on each axis in 31 cells: a cell's centre
            start = (-5 + (cell["i"] + 0.5) * 10 / 31, -5 + (cell["j"] + 0.5) * 10 / 31)
            alone = gd.minimize("himmelblau", eta=eta, theta0=start, max_iter=200)
            assert outcome_of(cell) == outcome_by_hand(alone, HIMMELBLAU_MINIMA, 0.5), cell


def test_the_double_wells_rows_are_its_compared_etas_and_say_their_shares():
    app = clean(open_page(view="basins", objective="double_well", etas="0.1,1.1"))
    key, strip = charts(app)
    cells = next(rows for rows in strip["datasets"].values() if rows and "code" in rows[0])
    assert sorted({cell["eta_label"] for cell in cells}) == ["0.1", "1.1"] and len(cells) == 2 * 121
    minima = [(-1.483968,), (1.332221,)]
    for cell in cells[::9]:  # the plot spans −2.2 … 2.2 in 121 cells
        alone = gd.minimize("double_well", eta=float(cell["eta_label"]), theta0=-2.2 + (cell["i"] + 0.5) * 4.4 / 121,
                            max_iter=200)
        assert outcome_of(cell) == outcome_by_hand(alone, minima, 0.05 * 4.4), cell
    said = [plain(text.value) for text in app.markdown]
    assert "η = 1.1: 100 % diverged." in said
    assert any(text.startswith("η = 0.1: ") and "% minimum 1, at -1.48; " in text for text in said)
