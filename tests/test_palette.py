"""The lab's colours, seen with each colour-vision deficiency: every pair of compared η and of statuses stays apart
in CAM02-UCS (a perceptually uniform space: a distance of 1 is about the smallest difference seen) after the
simulation of Machado, Oliveira and Fernandes (2009) at full severity, and each series has a second channel."""

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

from gd.lab import charts

DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: deuteranopia, protanopia, tritanopia
APART = 10.0  # CAM02-UCS: ten times the smallest difference seen
# Machado et al. 2009, Table 1, severity 1.0 (the published matrices, acting on linear RGB)
MACHADO = {
    "deuteranomaly": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                      [-0.011820, 0.042940, 0.968881]],
    "protanomaly": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "tritanomaly": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def simulated(colour: np.ndarray, deficiency: str | None) -> np.ndarray:
    if deficiency is None:
        return colour
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(colour, space, "sRGB1"), 0, 1)


def smallest_distance(colours, deficiency: str | None) -> tuple[float, tuple[str, str]]:
    seen = {colour: simulated(rgb(colour), deficiency) for colour in colours}
    return min((float(deltaE(seen[a], seen[b], input_space="sRGB1", uniform_space="CAM02-UCS")), (a, b))
               for a, b in itertools.combinations(colours, 2))


def linear(colour: np.ndarray) -> np.ndarray:
    return np.where(colour <= 0.04045, colour / 12.92, ((colour + 0.055) / 1.055) ** 2.4)


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_the_simulation_is_machados_published_matrix(deficiency):
    """The library's simulation is the paper's: its matrix applied to linear RGB, for a few colours of the palettes."""
    for colour in ("#ff0000", "#00ff00", "#0000ff", charts.ETA_COLORS[1], charts.STATUS_COLORS[0]):
        expected = np.clip(np.array(MACHADO[deficiency]) @ linear(rgb(colour)), 0, 1)
        assert np.allclose(linear(simulated(rgb(colour), deficiency)), expected, atol=2e-3), colour


def test_the_uniform_space_gives_published_distances():
    """CAM02-UCS as Luo, Cui and Li (2006) define it: white is J' = 100, and the distance of two colours is the
    Euclidean one of their J'a'b' (checked against the coordinates computed on their own)."""
    assert cspace_convert([1, 1, 1], "sRGB1", "CAM02-UCS")[0] == pytest.approx(100, abs=0.01)
    first, second = (cspace_convert(rgb(colour), "sRGB1", "CAM02-UCS") for colour in ("#6987ff", "#870000"))
    assert deltaE(rgb("#6987ff"), rgb("#870000"), input_space="sRGB1") == pytest.approx(
        float(np.linalg.norm(first - second)))


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_every_pair_of_the_twelve_eta_colours_stays_apart(deficiency):
    distance, pair = smallest_distance(charts.ETA_COLORS, deficiency)
    print(f"η colours, {deficiency or 'typical vision'}: smallest distance {distance:.1f} ({pair})")
    assert len(charts.ETA_COLORS) == 12 and distance >= APART, pair


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_every_pair_of_status_colours_stays_apart(deficiency):
    distance, pair = smallest_distance(charts.STATUS_COLORS, deficiency)
    print(f"status colours, {deficiency or 'typical vision'}: smallest distance {distance:.1f} ({pair})")
    assert distance >= APART, pair


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_every_pair_of_basin_colours_stays_apart(deficiency):
    """The basins' nine outcomes (four minima, a saddle, another point, stalled, still moving, diverged) share one
    key, and a cell has no shape: the colours alone must stay apart."""
    distance, pair = smallest_distance(list(charts.BASIN_COLORS.values()), deficiency)
    assert len(charts.BASIN_COLORS) == 9 and distance >= APART, pair


def test_the_old_palettes_fail_the_same_measure():
    """The measure can fail: the palettes the lab had before (Vega's tableau10, matplotlib's statuses) do."""
    tableau = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6",
               "#bab0ac", "#1f1f1f", "#7a0177")
    assert smallest_distance(tableau, "deuteranomaly")[0] < APART
    assert smallest_distance(("#2ca02c", "#ff7f0e", "#7f7f7f", "#d62728", "#9467bd"), "protanomaly")[0] < APART


def test_each_eta_and_each_status_has_its_own_shape_and_the_eta_a_dash():
    """A second channel: no two of the twelve η share a shape, no two statuses either; dashes cycle along the η, so
    neighbours differ."""
    assert len(set(charts.ETA_SHAPES)) == len(charts.ETA_SHAPES) == len(charts.ETA_COLORS)
    assert len(set(charts.STATUS_SHAPES)) == len(charts.STATUS_SHAPES) == len(charts.STATUS_COLORS)
    dashes = [tuple(charts.eta_dash(index)) for index in range(12)]
    assert all(first != second for first, second in itertools.pairwise(dashes))


def test_each_eta_colour_reads_against_white():
    """3:1, WCAG's contrast for the parts of a graphic one must see."""
    for colour in charts.ETA_COLORS:
        luminance = float(linear(rgb(colour)) @ [0.2126, 0.7152, 0.0722])
        assert 1.05 / (luminance + 0.05) >= 3, colour


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_the_pinned_run_stays_apart_from_every_eta_and_has_a_dash_and_a_shape_of_its_own(deficiency):
    """The pinned run is drawn beside every compared η (tests/test_pin.py): its near-black stays apart from each η
    colour, and its long dash and hollow points tell it apart without colour."""
    pin_distance = min(smallest_distance([charts.PIN_COLOR, colour], deficiency)[0] for colour in charts.ETA_COLORS)
    assert pin_distance >= APART, (deficiency, pin_distance)
    assert tuple(charts.PIN_DASH) not in {tuple(charts.eta_dash(index)) for index in range(12)}
    luminance = float(linear(rgb(charts.PIN_COLOR)) @ [0.2126, 0.7152, 0.0722])
    assert 1.05 / (luminance + 0.05) >= 3
