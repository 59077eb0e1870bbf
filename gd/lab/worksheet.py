"""A printable worksheet of a lesson or of any link (`?worksheet=1`): on its first page the question, the settings and
room for the student's prediction and reasons; on the second what the lab shows (the page draws the view's charts
there). Printed by the browser on A4 or Letter; every word in the page's language."""

from dataclasses import replace
from html import escape

from gd import theory
from gd.lab.controls import DEFAULTS, PRESETS, READS, SAMPLING, Run, hyperparameters_of, title
from gd.lab.links import setting_said
from gd.lab.text import t

LESSON_SETTINGS = ("objective", "function", "features", "theta0", "eta", "epsilon", "variant", "batch_size", "seed",
                   "optimizer", "schedule", "stop", "max_iter", "hyperparameters", "etas")  # what makes a lesson its
# own: its view may be any
WHY_LINES = 4  # ruled lines for the student's reasons


def lesson_of(run: Run) -> str | None:
    """The lesson (PRESETS) whose settings the run has, whichever view is open; None for any other run."""
    for name, values in PRESETS.items():
        lesson = replace(DEFAULTS, **{key: value for key, value in values.items() if key != "view"})
        if all(getattr(run, key) == getattr(lesson, key) for key in LESSON_SETTINGS):
            return name
    return None


def heading(run: Run) -> str:
    """The worksheet's title: the lesson's name, or the open view's for any other link."""
    lesson = lesson_of(run)
    return t("worksheet.title", name=t(f"preset.{lesson}") if lesson else t(f"view.{run.view}"))


def question(run: Run) -> str:
    """What the student is asked: the lesson's own question, or, for any other link, the general one."""
    lesson = lesson_of(run)
    return t(f"worksheet.question.{lesson}" if lesson else "worksheet.question")


def settings(run: Run) -> list[tuple[str, str]]:
    """The run's settings as the sidebar names and writes them, in its order: the objective, θ₀, η, the variant (its
    batch size and seed where it samples), the update rule and the schedule (each with its own numbers), the
    stopping rule, ε, the iteration limit, and the compared η where the view compares them."""
    said = []
    for name in ("objective", "theta0", "eta", "variant", "optimizer", "schedule", "stop", "epsilon", "max_iter",
                 *(("etas",) if "etas" in READS[run.view] else ())):
        said.append((t(f"label.{name}"), setting_said(run, name)))
        if name == "variant":
            said += [(t(f"label.{key}"), setting_said(run, key)) for key in SAMPLING[run.variant]]
        if name in ("optimizer", "schedule"):
            chosen = getattr(run, name)
            said += [(f"{title(name, chosen)}: {t(f'hyperparameter.{spec.name}')}",
                      setting_said(run, f"{chosen}_{spec.name}")) for spec in hyperparameters_of(name, chosen)]
    return said


def first_page(run: Run) -> str:
    """The worksheet's first page as HTML (every word escaped): the title, lines for a name and a date, the question,
    the settings, then the prediction: what will happen (the quiz's outcomes), roughly how many updates (its
    buckets), and why, on ruled lines."""
    def boxes(labels) -> str:
        return "".join(f'<li><span class="box" aria-hidden="true"></span>{escape(label)}</li>' for label in labels)

    said = settings(run)
    half = -(-len(said) // 2)  # two settings a row: the first page stays whole with every setting a run can have
    rows = "".join("<tr>" + "".join(f'<th scope="row">{escape(name)}</th><td>{escape(value)}</td>'
                                    for name, value in (said[index], *said[half + index:half + index + 1])) + "</tr>"
                   for index in range(half))
    outcomes = [t("worksheet.choice", outcome=t(f"outcome.{name}"), meaning=t(f"outcome.{name}.help"))
                for name in theory.OUTCOMES]
    buckets = [t(f"bucket.{index}") for index in range(len(theory.BUCKETS))]
    return f"""<section class="worksheet" lang="{run.lang}">
<h1>{escape(heading(run))}</h1>
<p class="who"><span>{escape(t("worksheet.name"))}</span><span>{escape(t("worksheet.date"))}</span></p>
<p class="question">{escape(question(run))}</p>
<h2>{escape(t("worksheet.settings"))}</h2>
<table>{rows}</table>
<h2>{escape(t("worksheet.predict"))}</h2>
<p>{escape(t("label.guess_outcome"))}</p><ul class="choices">{boxes(outcomes)}</ul>
<p>{escape(t("label.guess_updates"))}</p><ul class="choices across">{boxes(buckets)}</ul>
<p>{escape(t("worksheet.why"))}</p><div class="lines">{"<div></div>" * WHY_LINES}</div>
</section>"""
