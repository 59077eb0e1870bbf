"""The 2-D maps, checked against what they draw: J at the contour lines, the eigenvectors of the ravine's A written
out by hand, separate runs of the engine, theory's closed forms, and the Vega-Lite schema."""

import math

import altair as alt
import numpy as np
import pytest

import gd
from gd.lab import charts, fitted_model, frames, maps, momentum_map, races, views
from gd.lab.controls import RACE_ETAS, race_etas
from gd.lab.text import speaking

A = np.array([[5.5, 4.5], [4.5, 5.5]])  # the ravine's matrix, as the issue writes it


def layers_of(spec):
    return spec["layer"]


def dataset(spec, layer):
    """The rows a layer draws: its own data, or the data its layered chart gives every layer without any."""
    return spec["datasets"][layer.get("data", spec.get("data"))["name"]]


def cross(a, b) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def valid(spec) -> dict:
    """The spec checked against Vega-Lite's schema (Altair validates what it reads)."""
    alt.LayerChart.from_dict(spec, validate=True)
    return spec


def every_chart():
    """One spec of every builder, with its name."""
    surface = maps.surface_map("rosenbrock")
    results = gd.compare([0.001, 0.05], "rosenbrock")
    runs = races.runs("ravine")
    regression = gd.minimize("logistic_regression_2d", eta=0.5)
    route = frames.path(regression)
    seeds = gd.seeds(0.01, list(range(5)), "saddle", variant="sgd", max_iter=200)
    yield "panels", views.panels(results)[1]
    yield "stepped panel", maps.panel(maps.surface_map("logistic_regression_2d"), route,
                                      maps.escapes(regression, maps.surface_map("logistic_regression_2d").box),
                                      "t", charts.eta_color(0), step=3)
    yield "race", races.chart(maps.surface_map("ravine"), races.paths(runs), 10)
    yield "race gaps", races.gap_chart(races.gaps(runs), 10)
    yield "momentum", momentum_map.chart(momentum_map.rates(), (0.1, 0.5))
    yield "regression", fitted_model.chart(fitted_model.data(gd.SURFACES["logistic_regression_2d"]),
                                           fitted_model.fits(regression, route), 3, logistic=True)
    yield "cloud", maps.cloud_map(maps.surface_map("saddle"), maps.cloud(seeds), "seeds")
    yield "update", maps.update_map(surface, maps.update_shapes(results[0], surface.box), 2)


# --- contours and levels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(gd.SURFACES))
def test_every_contour_vertex_lies_on_its_level_within_the_grids_interpolation_error(name):
    problem, surface = gd.SURFACES[name], maps.surface_map(name)
    lines = surface.contours
    assert len(lines) > 0 and set(lines["level"]) <= set(range(len(surface.levels)))
    points = lines[["x", "y"]].to_numpy()
    level = surface.levels[lines["level"].to_numpy()]
    x_low, x_high, y_low, y_high = surface.box
    h = max(x_high - x_low, y_high - y_low) / (maps.CONTOUR_GRID - 1)  # the contour grid's spacing
    # Linear interpolation along a grid edge of length h misses J by at most h²/8 · max|J''| along it: bound J''
    # by the Hessian's diagonal at the point and at its cell's corners (a margin of half again for in between);
    # the vertices are rounded to 1e-4 of the map's span, which moves J by at most |∇J| · that.
    column = np.clip(np.floor((points[:, 0] - x_low) / h), 0, maps.CONTOUR_GRID - 2)
    row = np.clip(np.floor((points[:, 1] - y_low) / h), 0, maps.CONTOUR_GRID - 2)
    curvature = np.zeros(len(points))
    for corner in [points] + [np.stack([x_low + (column + i) * h, y_low + (row + j) * h], axis=1)
                              for i in (0, 1) for j in (0, 1)]:
        diagonal = np.abs(np.diagonal(problem.hessian(corner), axis1=1, axis2=2))
        curvature = np.maximum(curvature, diagonal.max(axis=1))
    rounding = 0.5 * 10.0 ** -(maps.COORDINATE_DIGITS - math.floor(math.log10(max(x_high - x_low, y_high - y_low))))
    slope = np.linalg.norm(problem.grad(points), axis=1)
    tolerance = 1.5 * h * h / 8 * curvature + slope * rounding * math.sqrt(2) + 1e-9 * np.abs(level)
    assert np.all(np.abs(problem.value(points) - level) <= tolerance)
    # and the tolerance is a test: it is much smaller than the step from each vertex's level to the one below
    below = np.diff(np.concatenate([[problem.min_value], surface.levels]))[lines["level"].to_numpy()]
    assert np.median(tolerance / below) < 0.1


def test_the_maps_of_rosenbrock_and_himmelblau_have_log_spaced_levels_and_the_ravine_evenly_spaced_ones():
    for name in ("rosenbrock", "himmelblau"):
        surface, floor = maps.surface_map(name), gd.SURFACES[name].min_value
        ratios = np.diff(np.log(surface.levels - floor))
        assert surface.log and np.allclose(ratios, ratios[0]) and ratios[0] > 0
        assert (surface.levels[-1] - floor) / (surface.levels[0] - floor) > 1e3  # they span decades
    for name in ("ravine", "linear_regression_2d"):
        surface = maps.surface_map(name)
        steps = np.diff(surface.levels)
        assert not surface.log and np.allclose(steps, steps[0]) and steps[0] > 0
        assert surface.levels[0] - gd.SURFACES[name].min_value == pytest.approx(steps[0])  # evenly from J*


def test_the_background_covers_the_map_once_and_its_shade_is_the_band_of_the_cells_centre():
    surface, problem = maps.surface_map("himmelblau"), gd.SURFACES["himmelblau"]
    cells = surface.background
    x_low, x_high, y_low, y_high = surface.box
    assert np.isclose(((cells["x2"] - cells["x"]) * (cells["y2"] - cells["y"])).sum(),
                      (x_high - x_low) * (y_high - y_low))
    width = (x_high - x_low) / maps.GRID_CELLS
    for row in cells.sample(50, random_state=0).itertuples():
        centres = np.stack([np.arange(row.x + width / 2, row.x2, width), np.full(round((row.x2 - row.x) / width),
                                                                                 (row.y + row.y2) / 2)], axis=1)
        below = (problem.value(centres)[:, None] > surface.levels[None, :]).sum(axis=1)
        assert set(below) == {row.band}


# --- eigen-directions and stationary points --------------------------------------------------------------------


def test_the_ravines_eigen_directions_are_the_eigenvectors_of_a_through_the_minimum():
    eigen = maps.surface_map("ravine").eigen
    assert sorted(eigen["direction"].unique()) == [0, 1]
    found = {}
    for _, ends in eigen.groupby("direction"):
        start, end = ends[["x", "y"]].to_numpy()
        vector = (end - start) / np.linalg.norm(end - start)
        assert abs(cross(start, vector)) < 1e-12  # the line passes through the minimum (0, 0)
        assert np.allclose(A @ vector, ends["eigenvalue"].iloc[0] * vector)  # an eigenvector of A
        found[round(float(ends["eigenvalue"].iloc[0]), 9)] = vector * np.sign(vector[0])
    assert np.allclose(found[1.0], np.array([1, -1]) / math.sqrt(2))
    assert np.allclose(found[10.0], np.array([1, 1]) / math.sqrt(2))
    for _, ends in eigen.groupby("direction"):  # each reaches across the map, edge to edge
        assert np.all(np.isclose(np.abs(ends[["x", "y"]].to_numpy()), 3.0).any(axis=1))


def test_eigen_directions_only_on_quadratics_and_every_minimizer_and_saddle_is_marked():
    assert maps.surface_map("rosenbrock").eigen.empty and maps.surface_map("himmelblau").eigen.empty
    himmelblau = maps.surface_map("himmelblau").marks
    assert (himmelblau["kind"] == "minimum").sum() == 4 and (himmelblau["kind"] == "saddle").sum() == 4
    assert np.allclose(gd.SURFACES["himmelblau"].value(himmelblau[himmelblau["kind"] == "minimum"][["x", "y"]]
                                                       .to_numpy()), 0, atol=1e-20)
    saddle = maps.surface_map("saddle").marks
    assert saddle[saddle["kind"] == "saddle"][["x", "y"]].to_numpy().tolist() == [[0.0, 0.0]]


# --- runs on the map -------------------------------------------------------------------------------------------


def test_a_maps_path_is_the_runs_history_and_its_colour_is_its_etas():
    results = gd.compare([0.001, 0.002], "rosenbrock")
    specs = views.panels(results)
    for index, (eta, spec) in enumerate(zip([0.001, 0.002], specs, strict=True)):
        run = gd.minimize("rosenbrock", eta=eta)
        rows = spec["datasets"][maps.PATH]
        k = np.array([row["k"] for row in rows])
        assert k[0] == 0 and k[-1] == run.iterations and len(k) <= frames.PATH_POINTS + 1
        assert np.array_equal([[row["x"], row["y"]] for row in rows], run.history[k])
        assert np.array_equal([row["loss"] for row in rows], run.losses[k])
        assert np.allclose([[row["grad_x"], row["grad_y"]] for row in rows],
                           gd.SURFACES["rosenbrock"].grad(run.history[k]), rtol=1e-12)
        path_layer = next(layer for layer in layers_of(spec) if layer.get("data") == {"name": maps.PATH})
        assert path_layer["mark"]["color"] == charts.eta_color(index) and path_layer["mark"]["clip"] is True
        assert path_layer["encoding"]["order"]["field"] == "k"


def test_a_run_that_leaves_the_map_is_marked_on_its_edge_with_its_value():
    run = gd.minimize("ravine", eta=0.5)  # past 2/λmax = 0.2: diverges along (1, 1)
    surface = maps.surface_map("ravine")
    edges = maps.escapes(run, surface.box)
    last = edges[edges["k"] == run.iterations].iloc[0]
    x, y = run.history[-1]
    assert last["label"] == f"θ{frames.subscript(run.iterations)} = ({x:.6g}, {y:.6g})"
    point = np.array([last["x"], last["y"]])
    assert np.isclose(np.max(np.abs(point)), 3.0)  # on the edge of the map [−3, 3]²
    assert abs(cross(point, run.history[-1])) <= 1e-9 * np.linalg.norm(run.history[-1]) * 3  # towards θ_k
    assert maps.escapes(gd.minimize("ravine", eta=0.1), surface.box).empty
    spec = views.panels([run])[0]
    assert spec["datasets"][maps.EDGES] == edges.to_dict("records")


def test_the_csv_frame_holds_every_runs_exact_points_thinned():
    results = gd.compare([0.001, 0.002], "rosenbrock")
    table = frames.points(results, limit=100)
    assert list(table.columns) == ["eta", "k", "x", "y", "loss", "grad_x", "grad_y"]
    for eta, rows in table.groupby("eta"):
        run = gd.minimize("rosenbrock", eta=eta)
        k = rows["k"].to_numpy()
        assert len(k) <= 101 and k[-1] == run.iterations
        assert np.array_equal(rows[["x", "y"]].to_numpy(), run.history[k])
        assert np.array_equal(rows["loss"].to_numpy(), run.losses[k])
    csv = frames.csv(table).decode().splitlines()
    assert csv[0] == "eta,k,x,y,loss,grad_x,grad_y"


# --- the race --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(gd.SURFACES))
def test_the_race_has_every_rule_and_each_path_is_a_separate_run_with_its_eta(name):
    runs = races.runs(name)
    routes = races.paths(runs)
    assert list(dict.fromkeys(routes["rule"])) == list(gd.OPTIMIZERS)
    for rule, rows in routes.groupby("rule"):
        eta = RACE_ETAS[name][rule]
        run = gd.minimize(name, eta=eta, optimizer=rule)
        assert set(rows["eta"]) == {eta}
        assert np.array_equal(rows[["x", "y"]].to_numpy(), run.history[rows["k"].to_numpy()])
        assert rows["k"].iloc[-1] == run.iterations
    spec = races.chart(maps.surface_map(name), routes, 50)
    path_layer = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "line"
                      and "color" in layer["encoding"])
    assert dataset(spec, path_layer) == routes[["rule", "eta", "k", "x", "y", "loss"]].to_dict("records")
    assert path_layer["encoding"]["color"]["scale"]["domain"] == list(gd.OPTIMIZERS)
    assert path_layer["encoding"]["color"]["scale"]["range"] == [charts.eta_color(i) for i in range(6)]


@pytest.mark.parametrize("name", list(gd.SURFACES))
def test_every_rules_default_eta_reaches_a_stationary_point_from_the_surfaces_start(name):
    for run in races.runs(name):
        assert run.status == "converged", (name, run.settings.optimizer.name)
        assert run.iterations <= run.settings.max_iter
        ends = np.asarray(list(gd.SURFACES[name].minimizers) + list(gd.SURFACES[name].saddles))
        width = gd.SURFACES[name].bounds[0][1] - gd.SURFACES[name].bounds[0][0]
        assert np.min(np.linalg.norm(ends - run.theta, axis=1)) <= 0.01 * width
        if name != "saddle":  # from (1.5, 0) on y = 0 a full-batch run cannot leave the line: it ends at the saddle
            minima = np.asarray(gd.SURFACES[name].minimizers)
            assert np.min(np.linalg.norm(minima - run.theta, axis=1)) <= 0.01 * width


def test_the_default_etas_are_the_fastest_of_the_grid_as_their_comment_says():
    for name in gd.SURFACES:
        assert race_etas(name) == {rule: races.eta(name, rule) for rule in gd.OPTIMIZERS}, name


def test_the_race_gaps_are_each_runs_loss_above_the_minimum_and_the_step_moves_only_the_parameter():
    runs = races.runs("himmelblau")
    gaps = races.gaps(runs)
    for run in runs:
        rows = gaps[gaps["rule"] == run.settings.optimizer.name]
        expected = np.maximum(run.losses[rows["k"].to_numpy()] - 0.0, frames.GAP_FLOOR)
        assert np.array_equal(rows["gap"].to_numpy(), expected)
    spec = races.gap_chart(gaps, 5)
    moved = maps.at(spec, 40)
    assert moved["datasets"][charts.PLAYER] == [{charts.STEP: 40.0}]
    assert {**moved, "datasets": {**moved["datasets"], charts.PLAYER: None}} == \
        {**spec, "datasets": {**spec["datasets"], charts.PLAYER: None}}  # only the player's row moved


# --- momentum's map --------------------------------------------------------------------------------------------


def test_the_momentum_maps_best_marker_is_at_theorys_pair_for_eigenvalues_1_and_10():
    rates = momentum_map.rates()
    spec = momentum_map.chart(rates, chosen=(0.1, 0.5))
    marks = next(rows for rows in spec["datasets"].values() if rows and "kind" in rows[0])
    best = next(row for row in marks if row["kind"] == "best")
    root = math.sqrt(10.0)  # κ = 10 / 1
    assert best["eta"] == pytest.approx(4 / (1 + root) ** 2, rel=1e-12)
    assert best["beta"] == pytest.approx(((root - 1) / (root + 1)) ** 2, rel=1e-12)
    assert next(row for row in marks if row["kind"] == "chosen")["eta"] == 0.1
    cells = momentum_map.cells(rates)
    # no cell of the grid beats theory's best rate (√κ − 1)/(√κ + 1), and a rate of 1 or more is "diverges"
    assert cells["rate"].min() >= 0.99 * (root - 1) / (root + 1)
    assert np.array_equal(cells["diverges"], ~(rates.rates.ravel() < 1))
    assert cells.loc[cells["diverges"], "rate"].isna().all() and cells.loc[~cells["diverges"], "rate"].lt(1).all()
    assert (cells["eta"] > 0.4).sum() == cells.loc[cells["eta"] > 0.4, "diverges"].sum()  # η past 2(1 + β)/λmax


def test_the_momentum_charts_cells_are_placed_on_the_grid_it_was_measured_on():
    rates = momentum_map.rates()
    spec = momentum_map.chart(rates)
    cells = momentum_map.cells(rates)
    rect = next(layer for layer in layers_of(spec) if layer["mark"]["type"] == "rect")
    rows = dataset(spec, rect)
    assert len(rows) == rates.rates.size
    assert [row["column"] for row in rows] == cells["column"].tolist()
    calculated = {step["as"]: step["calculate"] for step in rect["transform"] if "calculate" in step}
    etas = [float(part) for part in calculated["eta"].split("]")[0].strip("[").split(",")]
    assert np.allclose(etas, rates.etas, rtol=1e-5)


# --- regression you can see ------------------------------------------------------------------------------------


def test_the_regression_line_at_update_k_is_w_k_x_plus_b_k_from_the_runs_history():
    run = gd.minimize("linear_regression_2d", eta=0.1)
    route = frames.path(run)
    fitted = fitted_model.fits(run, route)
    x = gd.SURFACES["linear_regression_2d"].compiled[1][0]
    for k in (0, 1, 7, run.iterations):
        rows = fitted[fitted["k"] == k]
        w, b = run.history[k]
        assert rows["x"].tolist() == [x.min(), x.max()]
        assert np.allclose(rows["fit"], w * rows["x"] + b, rtol=1e-15, atol=1e-15)
    data = fitted_model.data(gd.SURFACES["linear_regression_2d"])
    assert np.array_equal(data["y"], gd.SURFACES["linear_regression_2d"].compiled[1][1])


def test_the_logistic_fit_at_update_k_is_the_sigmoid_of_w_k_x_plus_b_k_and_the_labels_are_0_or_1():
    run = gd.minimize("logistic_regression_2d", eta=0.5)
    fitted = fitted_model.fits(run, frames.path(run))
    for k in (0, 3, run.iterations):
        rows = fitted[fitted["k"] == k]
        w, b = run.history[k]
        assert len(rows) == fitted_model.FIT_POINTS
        assert np.allclose(rows["fit"], 1 / (1 + np.exp(-(w * rows["x"] + b))), rtol=1e-12)
    assert set(fitted_model.data(gd.SURFACES["logistic_regression_2d"])["y"]) == {0.0, 1.0}


# --- noise and one update --------------------------------------------------------------------------------------


def test_the_cloud_is_where_each_seeds_run_ended():
    results = gd.seeds(0.01, [0, 1, 2], "himmelblau", variant="sgd", max_iter=300)
    ends = maps.cloud(results)
    for seed, row in zip([0, 1, 2], ends.itertuples(), strict=True):
        run = gd.minimize("himmelblau", eta=0.01, variant="sgd", max_iter=300, seed=seed)
        assert (row.seed, row.x, row.y, row.status) == (seed, *run.theta, run.status)


def test_one_update_on_the_map_goes_from_theta_k_to_theta_k_plus_1_against_the_gradient():
    run = gd.minimize("ravine", eta=0.05)
    surface = maps.surface_map("ravine")
    shapes = maps.update_shapes(run, surface.box, updates=10)
    assert len(shapes) == 10
    for row in shapes.itertuples():
        here, after = run.history[row.k], run.history[row.k + 1]
        assert (row.x, row.y, row.x_next, row.y_next) == (*here, *after)
        gradient = A @ here  # ∇J = Aθ
        assert np.allclose((row.grad_x, row.grad_y), gradient, rtol=1e-12)
        arrow = np.array([row.arrow_x, row.arrow_y]) - here  # along ∇J, a sixth of the map long
        assert np.isclose(np.linalg.norm(arrow), 1.0) and np.allclose(arrow, gradient / np.linalg.norm(gradient))
        assert np.allclose(after, here - 0.05 * gradient)  # plain descent: the step is −η∇J
    assert "θ₀" in maps.step_sentence(shapes, 0) and "θ₁" in maps.step_sentence(shapes, 0)


# --- every chart -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "spec"), list(every_chart()), ids=lambda value: value if isinstance(value, str)
                         else "")
def test_every_chart_takes_its_columns_width_and_is_valid_vega_lite(name, spec):
    assert spec["width"] == "container"  # never a fixed width: maps stack on a phone
    assert 200 <= spec["height"] <= 450
    valid(spec)


def test_a_stepped_charts_parameter_starts_where_asked_and_filters_its_layers():
    surface = maps.surface_map("ravine")
    runs = races.runs("ravine")
    spec = races.chart(surface, races.paths(runs), 12)
    assert spec["datasets"][charts.PLAYER] == [{charts.STEP: 12.0}]
    (step,) = [param for param in spec["params"] if param["name"] == charts.STEP]
    assert f"data('{charts.PLAYER}')[0].{charts.STEP}" in step["expr"]  # read from the player's row
    stepped = [layer for layer in layers_of(spec) if any(step.get("filter") == f"datum.k <= {charts.STEP}"
                                                         for step in layer.get("transform", []))]
    assert len(stepped) == 2  # the paths and their heads


def test_the_maps_text_is_in_the_language_spoken_and_the_cache_keeps_the_languages_apart():
    results = gd.compare([0.001], "himmelblau")
    with speaking("zh"):
        chinese = views.panels(results)[0]
    with speaking("en"):
        english = views.panels(results)[0]
    def labels(spec):
        return {row["label"] for rows in spec["datasets"].values() for row in rows if "label" in row}
    assert {"最小值", "鞍点"} <= labels(chinese) and not {"minimum", "saddle point"} & labels(chinese)
    assert {"minimum", "saddle point"} <= labels(english)
    with speaking("zh"):
        race = races.gap_chart(races.gaps(races.runs("ravine")), 0)
    assert '"普通梯度下降"' in race["layer"][0]["encoding"]["color"]["legend"]["labelExpr"]
