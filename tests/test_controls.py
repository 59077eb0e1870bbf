"""Controls as data: the η list, links in and out, and the work budget."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gd.controls import (
    DEFAULTS,
    MAX_ETAS,
    MAX_WORK,
    NUMBERS,
    SHOWN_TEXT,
    Run,
    check_budget,
    parse_etas,
    read_url,
    to_url,
)


def test_parse_etas_reads_commas_and_spaces_and_drops_duplicates():
    assert parse_etas("0.01, 0.1 0.1;1.1") == (0.01, 0.1, 1.1)


@pytest.mark.parametrize("text", ["", " , ", "0.1, x", "0", "-1", "11", "nan", "inf", "1e400",
                                  ", ".join(["0.1"] * (MAX_ETAS + 1))])
def test_parse_etas_refuses_bad_lists_naming_etas(text):
    with pytest.raises(ValueError, match="etas"):
        parse_etas(text)


def test_read_url_accepts_good_values():
    values, problems = read_url({"eta": "0.5", "objective": "quartic", "max_iter": "1e3", "etas": "0.1,0.2",
                                 "adam_beta1": "0.8"})
    assert problems == []
    assert values == {"eta": 0.5, "objective": "quartic", "max_iter": 1000, "etas": (0.1, 0.2), "adam_beta1": 0.8}


@pytest.mark.parametrize(("key", "raw"), [("eta", "abc"), ("eta", "nan"), ("eta", "20"), ("theta0", "-1e12"),
                                          ("max_iter", "2.5"), ("max_iter", "0"), ("objective", "Quadratic"),
                                          ("variant", ""), ("etas", "0.1,,abc"), ("adam_beta1", "1")])
def test_read_url_drops_bad_values_and_names_them(key, raw):
    values, problems = read_url({key: raw})
    assert key not in values
    assert len(problems) == 1 and problems[0].startswith(key)


def test_read_url_names_unknown_parameters_and_shortens_long_values():
    values, problems = read_url({"foo": "1", "eta": "9" * 5000})
    assert values == {}
    assert "foo" in problems[0]
    assert len(problems[1]) < 200 and "9" * (SHOWN_TEXT + 1) not in problems[1]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=30), st.text(max_size=300), max_size=6))
def test_read_url_never_raises_and_returns_only_checked_values(params):
    values, problems = read_url(params)
    assert set(values) <= set(params)
    assert len(values) + len(problems) == len(params)


def test_a_run_survives_the_round_trip_through_its_link():
    run = Run(objective="double_well", theta0=-1.5, eta=0.037, epsilon=1e-6, variant="minibatch", batch_size=8,
              seed=3, optimizer="adam", schedule="step", stop="grad_norm", max_iter=500, etas=(0.02, 0.3),
              sweep_low=0.01, sweep_high=0.9, sweep_points=20,
              rule_parameters=(("adam_beta1", 0.8), ("step_every", 7)))
    values, problems = read_url(to_url(run))
    assert problems == []
    rebuilt = {key: value for key, value in values.items() if "_" not in key or key in NUMBERS}
    assert Run(**rebuilt, rule_parameters=tuple((key, values[key]) for key in ("adam_beta1", "step_every"))) == run


def test_the_default_run_has_an_empty_link():
    assert to_url(DEFAULTS) == {}


def test_the_budget_refuses_too_much_work_and_says_how_to_fit():
    check_budget(DEFAULTS)
    heavy = Run(max_iter=100_000, etas=tuple(0.01 * k for k in range(1, 13)), sweep_points=200, view="theory")
    with pytest.raises(ValueError, match=f"{MAX_WORK:,}") as refused:
        check_budget(heavy)
    suggested = int(str(refused.value).split("Lower max_iter to ")[1].split(" ")[0].replace(",", ""))
    check_budget(replace(heavy, max_iter=suggested))
    with pytest.raises(ValueError):
        check_budget(replace(heavy, max_iter=suggested + 1))


@pytest.mark.parametrize(("view", "runs"), [("compare", 1 + 5), ("theory", 1 + 5 + 60), ("stopping", 1 + 5),
                                            ("geometry", 1), ("noise", 1 + 20), ("predict", 2)])
def test_each_view_counts_the_runs_it_makes(view, runs):
    assert Run(view=view).runs() == runs


def test_keywords_build_the_chosen_rules_with_their_parameters():
    keywords = Run(optimizer="momentum", rule_parameters=(("momentum_momentum", 0.5),)).keywords()
    assert keywords["optimizer"].name == "momentum"
    assert dict(keywords["optimizer"].hyperparameters) == {"momentum": 0.5}


def test_the_cached_views_do_not_depend_on_controls_they_do_not_read():
    assert Run(eta=0.7).only("etas") == Run(eta=0.3).only("etas")
    assert Run(eta=0.7, etas=(0.2,), view="noise").only("sweep_points") == DEFAULTS.only("sweep_points")
    assert Run(etas=(0.2,)).only("etas") != DEFAULTS.only("etas")
    assert Run(theta0=3.0).only() != DEFAULTS.only()  # settings every view reads always count
