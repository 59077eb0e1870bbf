"""Side-by-side panels through a backdrop: the same panels on a curve and on a surface, each said as what it is."""

import pytest

import gd
from gd.lab import backdrops, views
from gd.lab.text import speaking

# What a panel says to a screen reader, written out here: η = 0.1 on the article's curve (45 updates from θ₀ = 0 to
# the θ the article prints, to six digits), and η = 0.05 on the ravine from its start (2.5, -1), up to where it ends.
SAID = {
    ("quadratic", 0.1): "η = 0.1, 45 updates, converged: the points θ₀ → θₖ on the curve J(θ), from θ₀ = 0 to "
                        "θ = 2.49989.",
    ("ravine", 0.05): "η = 0.05, {updates:,} updates, converged: the path θ₀ → θₖ on the contour map of J, from "
                      "(2.5, -1) to (",
}


@pytest.mark.parametrize(("objective", "eta"), list(SAID))
def test_a_panel_says_what_it_is_drawn_on(objective, eta):
    (result,) = gd.compare([eta], objective)
    with speaking("en"):
        (panel,) = views.panels([result])
    said = SAID[objective, eta].format(updates=result.iterations)
    if objective == "quadratic":
        assert panel["description"] == said
    else:  # ends where the run ends
        assert panel["description"].startswith(said)
    assert isinstance(backdrops.of(result.settings), backdrops.Map if objective == "ravine" else backdrops.Curve)


def test_the_compare_caption_says_what_a_panels_marks_mean_on_each_backdrop():
    with speaking("en"):
        curve = backdrops.of(gd.compare([0.1], "quadratic")[0].settings).caption()
        surface = backdrops.of(gd.compare([0.05], "ravine")[0].settings).caption()
    assert "curve" in curve and "θ₀" in curve
    assert curve != surface and "contour" in surface.lower()
