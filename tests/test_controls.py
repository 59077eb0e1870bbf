"""The lab's controls as data: the page's ranges come from the engine's specs, the η list, the Run."""

import math
import re
from pathlib import Path

import pytest
from test_text import INVISIBLE, unseen

import gd
from gd import params
from gd.lab.controls import (
    DEFAULTS,
    HYPERPARAMETERS,
    MAX_ETAS,
    MAX_TEXT,
    MODES,
    NUMBERS,
    READS,
    SETTINGS,
    Run,
    help_text,
    parse_etas,
    read_control,
    refusal,
    views_of,
)
from gd.lab.text import speaking
from gd.params import ParameterError

ROOT = Path(__file__).resolve().parents[1]
ENGINE = {"theta0": params.THETA0, "eta": params.ETA, "epsilon": params.EPSILON, "batch_size": params.BATCH_SIZE,
          "seed": params.SEED, "max_iter": params.MAX_ITER, "sweep_low": params.ETA, "sweep_high": params.ETA}


@pytest.mark.parametrize("key", sorted(ENGINE))
def test_every_page_range_lies_inside_the_engines(key):
    """The page narrows the engine's ranges and never widens them: both ends are values the engine accepts."""
    page, engine = NUMBERS[key], ENGINE[key]
    for end in (page.low, page.high, page.default):
        assert engine.check(end) == end
    assert page.integer == engine.integer


def test_the_run_takes_the_engines_defaults():
    """One source: the Run's defaults are the engine's, and a default Run runs what gd.minimize() runs."""
    assert (DEFAULTS.eta, DEFAULTS.theta0, DEFAULTS.epsilon, DEFAULTS.max_iter) == (0.1, 0.0, 1e-8, 10_000)
    assert (DEFAULTS.eta, DEFAULTS.theta0, DEFAULTS.epsilon, DEFAULTS.max_iter) == (
        params.ETA.default, params.THETA0.default, params.EPSILON.default, params.MAX_ITER.default)
    settings = gd.minimize(DEFAULTS.objective, eta=DEFAULTS.eta, **DEFAULTS.keywords()).settings
    assert settings == gd.minimize().settings


def test_help_texts_state_the_ranges_the_controls_accept():
    assert "from -100 to 100" in help_text("theta0")
    assert "from 1e-06 to 10" in help_text("eta")
    assert "1 to 100,000" in help_text("max_iter")
    assert "Up to 12 learning rates" in help_text("etas")


def readme_limits() -> dict[str, str]:
    """The README's Limits table: control → accepted."""
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("## Limits", 1)[1]
    rows = re.findall(r"^\| ([^|]+) \| ([^|]+) \|", text, flags=re.MULTILINE)
    return {control.strip(): accepted.strip() for control, accepted in rows}


def test_the_readme_states_the_limits_the_page_enforces():
    limits = readme_limits()
    assert limits["η"] == "1e-6 to 10"
    assert (NUMBERS["eta"].low, NUMBERS["eta"].high) == (1e-6, 10.0)
    assert limits["θ₀"] == "−100 to 100" and (NUMBERS["theta0"].low, NUMBERS["theta0"].high) == (-100, 100)
    assert limits["ε"].startswith("0 to 1 ") and (NUMBERS["epsilon"].low, NUMBERS["epsilon"].high) == (0, 1)
    assert limits["compared η"] == f"at most {MAX_ETAS}" == "at most 12"
    assert limits["seeds (noise view)"] == "2 to 50" and (NUMBERS["seeds"].low, NUMBERS["seeds"].high) == (2, 50)
    assert limits["iteration limit"].startswith("1 to 100,000 per run")
    assert (NUMBERS["max_iter"].low, NUMBERS["max_iter"].high, params.MAX_ITER.high) == (1, 100_000, 1_000_000)
    assert "1,000,000" in limits["iteration limit"]
    assert limits["sweep points"] == "5 to 200"
    assert (NUMBERS["sweep_points"].low, NUMBERS["sweep_points"].high) == (5, 200)


def test_parse_etas_reads_commas_and_spaces_and_drops_duplicates():
    assert parse_etas("0.01, 0.1 0.1;1.1") == (0.01, 0.1, 1.1)


@pytest.mark.parametrize("text", ["", " , ", "0.1, x", "0", "-1", "11", "nan", "inf", "1e400",
                                  ", ".join(["0.1"] * 13)])
def test_parse_etas_refuses_bad_lists_naming_etas(text):
    with pytest.raises(ParameterError, match="etas") as refused:
        parse_etas(text)
    assert refused.value.name == "etas"


def test_twelve_etas_are_allowed_and_thirteen_are_not():
    assert len(parse_etas(",".join(str(0.01 * k) for k in range(1, 13)))) == 12
    with pytest.raises(ParameterError):
        parse_etas(",".join(str(0.01 * k) for k in range(1, 14)))


@pytest.mark.parametrize("key", ["etas", "eta", "theta0", "max_iter", "objective", "adam_beta1", "race_adam"])
def test_a_text_past_the_limit_is_refused_whole_never_cut_and_read(key):
    """0.1 and 400 spaces and ",5" was read as 0.1: the first 400 characters, a list of one η."""
    text = "0.1" + " " * MAX_TEXT + ",5"
    with pytest.raises(ParameterError) as refused:
        read_control(key, text)
    assert refused.value.name == key
    assert read_control("etas", "0.1" + " " * (MAX_TEXT - 5) + ",5") == (0.1, 5.0)  # at the limit: read, all of it
    for language, said in (("en", f"at most {MAX_TEXT} characters (this one has {len(text)})"),
                           ("zh", f"最多 {MAX_TEXT} 个字符的文本（这个值有 {len(text)} 个字符）")):
        with speaking(language):
            assert said in refusal(refused.value)


@pytest.mark.parametrize(("char", "escape"), INVISIBLE.items(), ids=repr)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_refused_character_is_named_by_its_visible_escape(char, escape, language):
    """The refusal quotes the character it refused: one that reorders or hides text is shown as its escape."""
    with pytest.raises(ParameterError) as refused:
        read_control("function", f"x {char}+ 1")
    with speaking(language):
        said = refusal(refused.value)
    assert f"“{escape}”" in said or f"「{escape}」" in said
    assert not unseen(said)


def test_keywords_build_the_chosen_rules_with_their_hyperparameters():
    keywords = Run(optimizer="momentum", hyperparameters=(("momentum_momentum", 0.5),)).keywords()
    assert keywords["optimizer"].name == "momentum"
    assert dict(keywords["optimizer"].hyperparameters) == {"momentum": 0.5}
    run = gd.minimize(eta=0.1, **keywords)
    reference = gd.minimize(eta=0.1, optimizer=gd.OPTIMIZERS["momentum"].build(momentum=0.5))
    assert run.history.tolist() == reference.history.tolist()
    assert run.history.tolist() != gd.minimize(eta=0.1, optimizer="momentum").history.tolist()  # not μ = 0.9


def test_hyperparameter_controls_are_named_after_their_rule():
    assert {"adam_beta1", "adam_beta2", "adam_eps", "momentum_momentum", "step_gamma", "step_every"} <= set(
        HYPERPARAMETERS)
    assert HYPERPARAMETERS["adam_beta2"].default == 0.999


def test_the_cached_views_do_not_depend_on_controls_they_do_not_read():
    """run.for_view(name) keeps what the view reads and resets the rest, so a cache key changes only when it must."""
    assert Run(eta=0.7).for_view("compare") == Run(eta=0.3).for_view("compare")
    assert Run(etas=(0.2,)).for_view("compare") != DEFAULTS.for_view("compare")
    assert Run(eta=0.7, etas=(0.2,), sweep_points=9).for_view("noise") == Run(eta=0.7).for_view("noise")
    assert Run(seeds=9).for_view("noise") != DEFAULTS.for_view("noise")
    for name in READS:
        assert Run(theta0=3.0).for_view(name) != DEFAULTS.for_view(name)  # the sidebar's settings always count
    assert set(SETTINGS) | {field for fields in READS.values() for field in fields} | {"view", *MODES} == set(
        Run.__dataclass_fields__)


def test_sweep_etas_are_log_spaced_between_the_ends_in_either_order():
    etas = Run(sweep_low=1.0, sweep_high=0.01, sweep_points=5).sweep_etas()
    assert etas[0] == pytest.approx(0.01) and etas[-1] == pytest.approx(1.0)
    assert [math.log10(eta) for eta in etas] == pytest.approx([-2, -1.5, -1, -0.5, 0])


def test_a_view_list_that_would_hide_every_view_hides_none():
    """A teacher's link leaves at least one view (links.read_url), but a student may pick an objective whose views it
    hides all (the race alone, on a curve): the page then shows every view rather than none."""
    assert views_of("quadratic", hide=("theory", "range")) == ("compare", "stopping", "geometry", "inside", "noise",
                                                                 "predict")
    every = ("compare", "theory", "range", "stopping", "geometry", "inside", "noise", "predict")
    assert views_of("quadratic", hide=("race", *every)) == every
