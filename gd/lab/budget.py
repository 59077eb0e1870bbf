"""The work cap: what one page view may cost in time and memory, priced and refused before any work starts.

A view's runs are priced by what they cost, not by how many updates they make: an update of logistic
regression (64 examples through exp and log) costs a hundred times one of the parabola, a mini-batch
draws a permutation, and lanes of one array share the loop's cost where seeds each draw their own
samples. COST_NS holds the compiled loop's cost per objective, sampling and stopping rule (the worst of gd
and Adam), measured by `python bench/budget.py --calibrate` on this project's machine kind. A view is priced
as if every run went to the iteration limit: most stop sooner, and `python bench/budget.py` measures the
worst the cap allows against its price (within about 5 % of it).
"""

import functools
import threading
import time
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import NamedTuple

from gd import compiled
from gd.lab.controls import (
    BASIN_CELLS,
    CUSTOM,
    DEFAULT_FUNCTION,
    INSIDE_UPDATES,
    LIKE,
    MOMENTUM_CELLS,
    NEWTON_UPDATES,
    RACE,
    Run,
    problem_of,
)
from gd.objectives import N_EXAMPLES
from gd.work import cpu_limit

SECONDS = 1.5  # what one view may cost on the server, priced as if every run went to the limit (most stop sooner)
MEGABYTES = 100  # what one view's histories may hold: with frames, charts and copies, at most 150 MB of the server
MAP_SECONDS = 0.75  # drawing a surface's view beside its runs: up to 12 maps and the convergence chart, the first of
# a surface in a fresh process included (0.45 s warm, up to 0.8 s cold; bench/budget.py --objectives ravine …)
HEAVY_SECONDS = 0.05  # a builder priced above this waits for the one heavy lane (see metered)
WARMING_SECONDS = 0.5  # what one view may cost while the compiled loop is prepared: a woken server's first view
# (imports, Streamlit's own first run and the machine's speed measured) then stays within 100 reruns of a floor page,
# and the default page (its run and comparison priced 0.41 and 0.43 s there) still opens at once

# ns per update: (fixed, per lane of a shared run, per lane with its own samples), keyed (objective, sampling,
# stop); the worst over gd and Adam (own samples: 50 seeds, the page's most), from
# `python bench/budget.py --calibrate` (2-core Xeon, numba 0.68, compiled loop warm, 20,000 updates, best of 2;
# the surfaces' rows measured 2026-12-03 at load 2.4–3.5, so on the high side).
COST_NS = {
    ("quadratic", "batch", "loss_change"): (46, 9, 0),
    ("quadratic", "batch", "grad_norm"): (36, 14, 0),
    ("quadratic", "batch", "step_size"): (44, 9, 0),
    ("quadratic", "batch", "no_improvement"): (35, 14, 0),
    ("quadratic", "sgd", "loss_change"): (67, 6, 49),
    ("quadratic", "sgd", "grad_norm"): (60, 11, 34),
    ("quadratic", "sgd", "step_size"): (58, 9, 29),
    ("quadratic", "sgd", "no_improvement"): (57, 12, 33),
    ("quadratic", "minibatch16", "loss_change"): (202, 6, 313),
    ("quadratic", "minibatch16", "grad_norm"): (212, 9, 176),
    ("quadratic", "minibatch16", "step_size"): (208, 5, 175),
    ("quadratic", "minibatch16", "no_improvement"): (204, 10, 178),
    ("quadratic", "minibatch64", "loss_change"): (615, 4, 688),
    ("quadratic", "minibatch64", "grad_norm"): (646, 6, 633),
    ("quadratic", "minibatch64", "step_size"): (629, 3, 615),
    ("quadratic", "minibatch64", "no_improvement"): (630, 7, 717),
    ("double_well", "batch", "loss_change"): (44, 5, 0),
    ("double_well", "batch", "grad_norm"): (40, 10, 0),
    ("double_well", "batch", "step_size"): (51, 5, 0),
    ("double_well", "batch", "no_improvement"): (41, 10, 0),
    ("double_well", "sgd", "loss_change"): (65, 6, 28),
    ("double_well", "sgd", "grad_norm"): (62, 11, 30),
    ("double_well", "sgd", "step_size"): (61, 6, 26),
    ("double_well", "sgd", "no_improvement"): (62, 11, 30),
    ("double_well", "minibatch16", "loss_change"): (215, 6, 178),
    ("double_well", "minibatch16", "grad_norm"): (210, 10, 180),
    ("double_well", "minibatch16", "step_size"): (207, 6, 172),
    ("double_well", "minibatch16", "no_improvement"): (214, 10, 177),
    ("double_well", "minibatch64", "loss_change"): (657, 3, 640),
    ("double_well", "minibatch64", "grad_norm"): (626, 8, 633),
    ("double_well", "minibatch64", "step_size"): (651, 3, 652),
    ("double_well", "minibatch64", "no_improvement"): (632, 9, 636),
    ("quartic", "batch", "loss_change"): (49, 5, 0),
    ("quartic", "batch", "grad_norm"): (44, 10, 0),
    ("quartic", "batch", "step_size"): (48, 5, 0),
    ("quartic", "batch", "no_improvement"): (40, 10, 0),
    ("quartic", "sgd", "loss_change"): (67, 6, 27),
    ("quartic", "sgd", "grad_norm"): (60, 11, 30),
    ("quartic", "sgd", "step_size"): (63, 6, 27),
    ("quartic", "sgd", "no_improvement"): (69, 11, 33),
    ("quartic", "minibatch16", "loss_change"): (211, 6, 182),
    ("quartic", "minibatch16", "grad_norm"): (208, 11, 186),
    ("quartic", "minibatch16", "step_size"): (205, 6, 180),
    ("quartic", "minibatch16", "no_improvement"): (204, 10, 178),
    ("quartic", "minibatch64", "loss_change"): (617, 4, 618),
    ("quartic", "minibatch64", "grad_norm"): (608, 9, 752),
    ("quartic", "minibatch64", "step_size"): (612, 4, 617),
    ("quartic", "minibatch64", "no_improvement"): (624, 8, 626),
    ("linear_regression", "batch", "loss_change"): (36, 93, 0),
    ("linear_regression", "batch", "grad_norm"): (29, 123, 0),
    ("linear_regression", "batch", "step_size"): (28, 95, 0),
    ("linear_regression", "batch", "no_improvement"): (34, 95, 0),
    ("linear_regression", "sgd", "loss_change"): (54, 79, 90),
    ("linear_regression", "sgd", "grad_norm"): (48, 105, 121),
    ("linear_regression", "sgd", "step_size"): (57, 79, 92),
    ("linear_regression", "sgd", "no_improvement"): (59, 78, 92),
    ("linear_regression", "minibatch16", "loss_change"): (185, 90, 297),
    ("linear_regression", "minibatch16", "grad_norm"): (192, 118, 284),
    ("linear_regression", "minibatch16", "step_size"): (204, 100, 258),
    ("linear_regression", "minibatch16", "no_improvement"): (190, 93, 315),
    ("linear_regression", "minibatch64", "loss_change"): (607, 135, 822),
    ("linear_regression", "minibatch64", "grad_norm"): (606, 164, 906),
    ("linear_regression", "minibatch64", "step_size"): (596, 130, 862),
    ("linear_regression", "minibatch64", "no_improvement"): (606, 134, 797),
    ("logistic_regression", "batch", "loss_change"): (37, 2175, 0),
    ("logistic_regression", "batch", "grad_norm"): (51, 3403, 0),
    ("logistic_regression", "batch", "step_size"): (173, 2082, 0),
    ("logistic_regression", "batch", "no_improvement"): (37, 2132, 0),
    ("logistic_regression", "sgd", "loss_change"): (87, 835, 872),
    ("logistic_regression", "sgd", "grad_norm"): (100, 2231, 2189),
    ("logistic_regression", "sgd", "step_size"): (76, 799, 852),
    ("logistic_regression", "sgd", "no_improvement"): (118, 817, 880),
    ("logistic_regression", "minibatch16", "loss_change"): (235, 1210, 1513),
    ("logistic_regression", "minibatch16", "grad_norm"): (217, 2459, 2817),
    ("logistic_regression", "minibatch16", "step_size"): (267, 1129, 1430),
    ("logistic_regression", "minibatch16", "no_improvement"): (330, 1146, 1352),
    ("logistic_regression", "minibatch64", "loss_change"): (690, 2238, 2988),
    ("logistic_regression", "minibatch64", "grad_norm"): (710, 3658, 4516),
    ("logistic_regression", "minibatch64", "step_size"): (639, 2295, 3178),
    ("logistic_regression", "minibatch64", "no_improvement"): (817, 2356, 3141),
    ("ravine", "batch", "loss_change"): (49, 27, 0),
    ("ravine", "batch", "grad_norm"): (56, 29, 0),
    ("ravine", "batch", "step_size"): (47, 29, 0),
    ("ravine", "batch", "no_improvement"): (47, 25, 0),
    ("ravine", "sgd", "loss_change"): (67, 45, 117),
    ("ravine", "sgd", "grad_norm"): (73, 50, 64),
    ("ravine", "sgd", "step_size"): (77, 49, 72),
    ("ravine", "sgd", "no_improvement"): (88, 45, 62),
    ("ravine", "minibatch16", "loss_change"): (228, 62, 298),
    ("ravine", "minibatch16", "grad_norm"): (227, 67, 278),
    ("ravine", "minibatch16", "step_size"): (229, 70, 314),
    ("ravine", "minibatch16", "no_improvement"): (231, 66, 245),
    ("ravine", "minibatch64", "loss_change"): (695, 131, 1175),
    ("ravine", "minibatch64", "grad_norm"): (689, 151, 820),
    ("ravine", "minibatch64", "step_size"): (730, 131, 831),
    ("ravine", "minibatch64", "no_improvement"): (673, 127, 883),
    ("rosenbrock", "batch", "loss_change"): (45, 27, 0),
    ("rosenbrock", "batch", "grad_norm"): (46, 32, 0),
    ("rosenbrock", "batch", "step_size"): (48, 30, 0),
    ("rosenbrock", "batch", "no_improvement"): (46, 27, 0),
    ("rosenbrock", "sgd", "loss_change"): (73, 44, 60),
    ("rosenbrock", "sgd", "grad_norm"): (85, 51, 73),
    ("rosenbrock", "sgd", "step_size"): (77, 49, 73),
    ("rosenbrock", "sgd", "no_improvement"): (82, 45, 61),
    ("rosenbrock", "minibatch16", "loss_change"): (241, 63, 242),
    ("rosenbrock", "minibatch16", "grad_norm"): (230, 68, 247),
    ("rosenbrock", "minibatch16", "step_size"): (219, 67, 242),
    ("rosenbrock", "minibatch16", "no_improvement"): (232, 62, 324),
    ("rosenbrock", "minibatch64", "loss_change"): (666, 123, 792),
    ("rosenbrock", "minibatch64", "grad_norm"): (655, 132, 825),
    ("rosenbrock", "minibatch64", "step_size"): (525, 223, 1081),
    ("rosenbrock", "minibatch64", "no_improvement"): (638, 122, 816),
    ("himmelblau", "batch", "loss_change"): (52, 26, 0),
    ("himmelblau", "batch", "grad_norm"): (54, 32, 0),
    ("himmelblau", "batch", "step_size"): (58, 30, 0),
    ("himmelblau", "batch", "no_improvement"): (48, 26, 0),
    ("himmelblau", "sgd", "loss_change"): (80, 41, 62),
    ("himmelblau", "sgd", "grad_norm"): (74, 51, 69),
    ("himmelblau", "sgd", "step_size"): (61, 48, 66),
    ("himmelblau", "sgd", "no_improvement"): (73, 46, 62),
    ("himmelblau", "minibatch16", "loss_change"): (231, 67, 405),
    ("himmelblau", "minibatch16", "grad_norm"): (211, 68, 286),
    ("himmelblau", "minibatch16", "step_size"): (205, 66, 244),
    ("himmelblau", "minibatch16", "no_improvement"): (212, 62, 235),
    ("himmelblau", "minibatch64", "loss_change"): (609, 112, 776),
    ("himmelblau", "minibatch64", "grad_norm"): (691, 122, 823),
    ("himmelblau", "minibatch64", "step_size"): (725, 124, 931),
    ("himmelblau", "minibatch64", "no_improvement"): (684, 123, 856),
    ("saddle", "batch", "loss_change"): (46, 23, 0),
    ("saddle", "batch", "grad_norm"): (39, 27, 0),
    ("saddle", "batch", "step_size"): (41, 25, 0),
    ("saddle", "batch", "no_improvement"): (42, 22, 0),
    ("saddle", "sgd", "loss_change"): (70, 45, 56),
    ("saddle", "sgd", "grad_norm"): (66, 50, 63),
    ("saddle", "sgd", "step_size"): (69, 47, 63),
    ("saddle", "sgd", "no_improvement"): (75, 42, 61),
    ("saddle", "minibatch16", "loss_change"): (242, 59, 354),
    ("saddle", "minibatch16", "grad_norm"): (225, 66, 235),
    ("saddle", "minibatch16", "step_size"): (245, 68, 243),
    ("saddle", "minibatch16", "no_improvement"): (254, 64, 239),
    ("saddle", "minibatch64", "loss_change"): (669, 121, 875),
    ("saddle", "minibatch64", "grad_norm"): (698, 131, 922),
    ("saddle", "minibatch64", "step_size"): (824, 115, 813),
    ("saddle", "minibatch64", "no_improvement"): (654, 120, 900),
    ("linear_regression_2d", "batch", "loss_change"): (57, 98, 0),
    ("linear_regression_2d", "batch", "grad_norm"): (57, 149, 0),
    ("linear_regression_2d", "batch", "step_size"): (63, 106, 0),
    ("linear_regression_2d", "batch", "no_improvement"): (54, 99, 0),
    ("linear_regression_2d", "sgd", "loss_change"): (76, 74, 92),
    ("linear_regression_2d", "sgd", "grad_norm"): (72, 121, 138),
    ("linear_regression_2d", "sgd", "step_size"): (79, 78, 100),
    ("linear_regression_2d", "sgd", "no_improvement"): (73, 74, 89),
    ("linear_regression_2d", "minibatch16", "loss_change"): (206, 86, 323),
    ("linear_regression_2d", "minibatch16", "grad_norm"): (199, 134, 305),
    ("linear_regression_2d", "minibatch16", "step_size"): (221, 95, 275),
    ("linear_regression_2d", "minibatch16", "no_improvement"): (208, 88, 275),
    ("linear_regression_2d", "minibatch64", "loss_change"): (676, 139, 897),
    ("linear_regression_2d", "minibatch64", "grad_norm"): (824, 188, 989),
    ("linear_regression_2d", "minibatch64", "step_size"): (626, 144, 888),
    ("linear_regression_2d", "minibatch64", "no_improvement"): (634, 145, 1042),
    ("logistic_regression_2d", "batch", "loss_change"): (0, 2430, 0),
    ("logistic_regression_2d", "batch", "grad_norm"): (133, 3956, 0),
    ("logistic_regression_2d", "batch", "step_size"): (111, 2559, 0),
    ("logistic_regression_2d", "batch", "no_improvement"): (132, 2555, 0),
    ("logistic_regression_2d", "sgd", "loss_change"): (161, 1011, 1045),
    ("logistic_regression_2d", "sgd", "grad_norm"): (1081, 3097, 3549),
    ("logistic_regression_2d", "sgd", "step_size"): (98, 1049, 1061),
    ("logistic_regression_2d", "sgd", "no_improvement"): (75, 1084, 1075),
    ("logistic_regression_2d", "minibatch16", "loss_change"): (500, 1732, 2377),
    ("logistic_regression_2d", "minibatch16", "grad_norm"): (394, 2748, 3148),
    ("logistic_regression_2d", "minibatch16", "step_size"): (273, 1373, 1573),
    ("logistic_regression_2d", "minibatch16", "no_improvement"): (341, 1339, 1681),
    ("logistic_regression_2d", "minibatch64", "loss_change"): (761, 2733, 3406),
    ("logistic_regression_2d", "minibatch64", "grad_norm"): (700, 4399, 4950),
    ("logistic_regression_2d", "minibatch64", "step_size"): (878, 2562, 3456),
    ("logistic_regression_2d", "minibatch64", "no_improvement"): (938, 2524, 3313),
    # a typed function (objective "custom"; "custom_2d" in two dimensions), on the compiled loop's interpreter
    # (gd.interpreter): ns per update PER INSTRUCTION of the formula's programs for J and ∇J (instructions()), the worst
    # over bench/budget.py's TYPED_FORMULAS (the article curve typed, the most fixed cost per instruction; large
    # formulas of every allowed function; chains of calls of the C library, the most per lane), from `python
    # bench/budget.py --calibrate --typed` (20,000 updates, best of 2, processor time, AMD EPYC at load 2-5)
    ("custom", "batch", "loss_change"): (7.7, 5.12, 0.0),
    ("custom", "batch", "grad_norm"): (7.8, 5.41, 0.0),
    ("custom", "batch", "step_size"): (7.7, 5.10, 0.0),
    ("custom", "batch", "no_improvement"): (7.6, 5.33, 0.0),
    ("custom", "sgd", "loss_change"): (11.4, 4.92, 5.8),
    ("custom", "sgd", "grad_norm"): (11.6, 5.21, 6.1),
    ("custom", "sgd", "step_size"): (11.5, 4.97, 5.9),
    ("custom", "sgd", "no_improvement"): (11.4, 5.12, 6.2),
    ("custom", "minibatch16", "loss_change"): (26.1, 4.92, 32.2),
    ("custom", "minibatch16", "grad_norm"): (25.7, 5.25, 27.8),
    ("custom", "minibatch16", "step_size"): (28.3, 4.98, 25.9),
    ("custom", "minibatch16", "no_improvement"): (27.0, 5.20, 26.8),
    ("custom", "minibatch64", "loss_change"): (77.0, 4.49, 70.9),
    ("custom", "minibatch64", "grad_norm"): (74.5, 4.82, 61.4),
    ("custom", "minibatch64", "step_size"): (76.8, 4.70, 60.7),
    ("custom", "minibatch64", "no_improvement"): (73.2, 5.02, 60.2),
    ("custom_2d", "batch", "loss_change"): (4.6, 2.55, 0.0),
    ("custom_2d", "batch", "grad_norm"): (4.4, 2.55, 0.0),
    ("custom_2d", "batch", "step_size"): (4.2, 2.41, 0.0),
    ("custom_2d", "batch", "no_improvement"): (4.1, 2.34, 0.0),
    ("custom_2d", "sgd", "loss_change"): (6.1, 2.56, 3.2),
    ("custom_2d", "sgd", "grad_norm"): (5.9, 2.77, 3.7),
    ("custom_2d", "sgd", "step_size"): (6.3, 2.69, 3.7),
    ("custom_2d", "sgd", "no_improvement"): (6.2, 2.58, 3.3),
    ("custom_2d", "minibatch16", "loss_change"): (12.8, 2.51, 14.8),
    ("custom_2d", "minibatch16", "grad_norm"): (12.1, 2.74, 14.5),
    ("custom_2d", "minibatch16", "step_size"): (12.1, 2.63, 14.0),
    ("custom_2d", "minibatch16", "no_improvement"): (12.4, 2.62, 13.7),
    ("custom_2d", "minibatch64", "loss_change"): (34.9, 2.44, 29.9),
    ("custom_2d", "minibatch64", "grad_norm"): (30.7, 2.66, 27.4),
    ("custom_2d", "minibatch64", "step_size"): (32.1, 2.55, 31.8),
    ("custom_2d", "minibatch64", "no_improvement"): (31.0, 2.47, 27.2),
}
# ns per update on the numpy reference loop, which answers while the compiled one is not ready (a fresh server's first
# seconds): (fixed, per lane of a shared run, per lane with its own samples), keyed (objective, sampling), the worst
# over the stopping rules and gd and Adam, from `python bench/budget.py --calibrate --reference` (processor time).
REFERENCE_NS = {
    ("quadratic", "batch"): (20028, 495, 0),
    ("quadratic", "sgd"): (26757, 262, 1175),
    ("quadratic", "minibatch16"): (46365, 0, 2105),
    ("quadratic", "minibatch64"): (30772, 0, 4610),
    ("double_well", "batch"): (32009, 558, 0),
    ("double_well", "sgd"): (48198, 0, 1094),
    ("double_well", "minibatch16"): (49266, 0, 2626),
    ("double_well", "minibatch64"): (43715, 0, 5367),
    ("quartic", "batch"): (24330, 102, 0),
    ("quartic", "sgd"): (30051, 48, 740),
    ("quartic", "minibatch16"): (30666, 159, 1561),
    ("quartic", "minibatch64"): (34692, 476, 5471),
    ("linear_regression", "batch"): (74797, 0, 0),
    ("linear_regression", "sgd"): (37615, 743, 1419),
    ("linear_regression", "minibatch16"): (40324, 339, 2223),
    ("linear_regression", "minibatch64"): (42406, 399, 6330),
    ("logistic_regression", "batch"): (70857, 11198, 0),
    ("logistic_regression", "sgd"): (52114, 8610, 8501),
    ("logistic_regression", "minibatch16"): (53485, 8010, 10996),
    ("logistic_regression", "minibatch64"): (53245, 12431, 16322),
    ("ravine", "batch"): (32096, 125, 0),
    ("ravine", "sgd"): (44565, 304, 1121),
    ("ravine", "minibatch16"): (45549, 189, 1810),
    ("ravine", "minibatch64"): (49152, 229, 4220),
    ("rosenbrock", "batch"): (33666, 784, 0),
    ("rosenbrock", "sgd"): (50372, 1389, 1522),
    ("rosenbrock", "minibatch16"): (51801, 255, 2749),
    ("rosenbrock", "minibatch64"): (63767, 0, 4263),
    ("himmelblau", "batch"): (43905, 240, 0),
    ("himmelblau", "sgd"): (57350, 268, 1406),
    ("himmelblau", "minibatch16"): (59069, 246, 2360),
    ("himmelblau", "minibatch64"): (62408, 163, 5339),
    ("saddle", "batch"): (28797, 562, 0),
    ("saddle", "sgd"): (41643, 195, 1091),
    ("saddle", "minibatch16"): (42387, 349, 1903),
    ("saddle", "minibatch64"): (46987, 429, 4639),
    ("linear_regression_2d", "batch"): (68674, 0, 0),
    ("linear_regression_2d", "sgd"): (56563, 459, 1677),
    ("linear_regression_2d", "minibatch16"): (65077, 29, 2523),
    ("linear_regression_2d", "minibatch64"): (64252, 664, 5215),
    ("logistic_regression_2d", "batch"): (69073, 12823, 0),
    ("logistic_regression_2d", "sgd"): (69660, 7468, 9544),
    ("logistic_regression_2d", "minibatch16"): (73988, 8523, 11064),
    ("logistic_regression_2d", "minibatch64"): (77101, 12644, 17129),
    # a typed function, PER INSTRUCTION of its programs for J and ∇J as in COST_NS, the worst over TYPED_FORMULAS too,
    # from `python bench/budget.py --calibrate --typed --reference` (2,000 updates, AMD EPYC at load 4; the numpy loop
    # takes its sin, cos, tan, exp, log, tanh and pow from the C library, element by element, as the compiled one does)
    ("custom", "batch"): (3731, 54.5, 0),
    ("custom", "sgd"): (2782, 65.8, 116),
    ("custom", "minibatch16"): (2708, 58.6, 148),
    ("custom", "minibatch64"): (2937, 57.3, 323),
    ("custom_2d", "batch"): (1733, 38.2, 0),
    ("custom_2d", "sgd"): (1962, 32.0, 72),
    ("custom_2d", "minibatch16"): (2740, 58.1, 107),
    ("custom_2d", "minibatch64"): (2339, 28.3, 189),
}
EACH_STOP_FACTOR = 1.6  # gd.each_stop runs once and records its steps, then scans the history for every rule
OWN_SAMPLES_FACTOR = 1.4  # seeds over 40,000 updates and more: 900 ns per lane-update, not the calibration's 651
# (each block of fresh sample indices is new memory to fault in)
MOMENTUM_NS = (10102, 17)  # theory.momentum_map: (fixed, per lane) ns per update (--calibrate --reference)
MOMENTUM_UPDATES = 200  # theory.momentum_map's default: the page's map and its one measured (η, β)
NEWTON_NS = 80_000  # a Hessian solved in its eigenbasis, per update of one lane beyond the numpy loop's own cost (the
# surfaces: 47–69 µs measured, gd.newton.method against the loop with plain descent, 2,000 updates, load 2)
ARTICLE_NS = 374  # the article's loop in Python floats (views.article_loop), ns per update (--calibrate --reference)
LIMIT_FACTOR, LIMIT_FLOOR = 3.0, 1.0  # a builder's engine work is stopped past 3 × its price + 1 s of processor
# time (gd.cpu_limit): a right price never comes near it, even on a busy machine (below), and a wrong one cannot become
# a page of many seconds
SPEED_SLACK = 3.0  # a machine measured up to this much slower than the calibration's is priced as that machine. On a
# virtual machine a busy host inflates even processor time (its stolen time counts as the guest thread's): here the
# same loop measured up to 2× slower at load 5; so only a machine far slower is priced as slower, and load never
# changes a verdict


class WorkCapError(Exception):
    """A page view priced over SECONDS or MEGABYTES: its .runs, the .limit it was asked for, its .seconds and
    .megabytes, .fits, the largest iteration limit that would fit (0 when even one update would not), and .warming:
    True when it was priced on the reference loop while the compiled one is being prepared, and would fit on it."""

    def __init__(self, run: Run, runs: int, seconds: float, megabytes: float, fits: int, warming: bool = False):
        self.runs, self.limit, self.seconds, self.megabytes, self.fits = runs, run.max_iter, seconds, megabytes, fits
        self.warming = warming
        super().__init__(f"{runs} runs × {run.max_iter:,} updates cost {seconds:.2f} s and {megabytes:.0f} MB, "
                         f"over the cap of {SECONDS} s and {MEGABYTES} MB")


@dataclass(frozen=True)
class Call:
    """One call of a builder's: kind "shared" (minimize, compare: lanes share their samples), "own" (seeds), "stops"
    (each_stop), "momentum" (theory.momentum_map, MOMENTUM_UPDATES updates), "article" (the article's loop in
    Python floats, views.article_loop), "range" (gd.range_test: run.range_updates updates on the numpy loop, whose
    growing η no compiled schedule has), "replay" (gd.replay: the first INSIDE_UPDATES updates of a run, the
    gradient and the rule's update once each, priced as an update of the numpy loop), "newton" (Newton's method in
    the race: at most NEWTON_UPDATES updates of the numpy loop, each with a Hessian solved, NEWTON_NS), "starts"
    (gd.starts: a grid of starts for one η, run.basin_updates updates of the numpy loop, keeping only the ends) or
    "pin" (the pinned run: one lane of its own settings, to its own limit); and its lanes."""

    kind: str
    lanes: int


def calls(run: Run, builder: str) -> tuple[Call, ...]:
    """Every engine call the builder makes for run (views.py names each builder's calls by these names): what is
    priced, and what tests/test_budget.py checks against the calls really made."""
    shared = Call("shared", 1)
    return {"headline": (shared,), "article": (Call("article", 1),),
            "compare": (Call("shared", len(run.etas)), *((Call("pin", 1),) if run.pin is not None else ())),
            "theory": (Call("shared", len(run.etas)), Call("shared", run.sweep_points)),
            "range": (Call("range", 1),), "stopping": (Call("stops", 1),),
            "basins": tuple(Call("starts", BASIN_CELLS[_dim(run)] ** _dim(run)) for _ in run.etas),
            "geometry": (shared,) if _dim(run) > 1 else (),
            "inside": () if run.optimizer == "gd" else (shared, Call("replay", 1)),
            "noise": (Call("own", run.seeds),), "predict": (),  # the quiz's guessed run is a headline of its own
            "race": (*(shared,) * len(RACE), Call("newton", 1)), "regression": (shared,),
            "momentum": (Call("momentum", MOMENTUM_CELLS[0] * MOMENTUM_CELLS[1]), Call("momentum", 1))}[builder]


def page_calls(run: Run) -> tuple[Call, ...]:
    """The calls of a page view: the run above the tabs (and the article's loop beside it, on a curve of its own),
    then the open tab's."""
    article = calls(run, "article") if shows_article(run) else ()
    return (*calls(run, "headline"), *article, *calls(run, run.view))


def shows_article(run: Run) -> bool:
    """Whether the page shows the article's loop beside the run: on a built-in curve (it is written for one
    dimension)."""
    return run.objective != CUSTOM and _dim(run) == 1


def runs(run: Run) -> int:
    """How many runs the open page view makes, the run above the tabs included (each up to max_iter updates)."""
    return sum(call.lanes for call in page_calls(run) if call.kind != "momentum")


def sampling(variant: str, batch_size: int) -> str:
    """COST_NS's name for how a run samples: "batch", "sgd", or a mini-batch of 16 or 64 examples."""
    return f"minibatch{batch_size}" if variant == "minibatch" else variant


def instructions(text: str) -> int:
    """The instructions of a typed formula's programs for J and ∇J (gd.formula): what a typed update's cost grows with
    (the reference loop runs both once per update)."""
    return problem_of(CUSTOM, text).instructions


def _dim(run: Run) -> int:
    return problem_of(run.objective, run.function).dim


def priced_as(run: Run) -> str:
    """COST_NS's name for the run's objective: its own, or for a typed function "custom" (1-D) or "custom_2d", the
    costs of the largest formula gd.typed reads (bench/budget.py --calibrate --typed), so that no formula can be
    priced under what it costs."""
    if run.objective in LIKE:
        return LIKE[run.objective]
    if run.objective != CUSTOM:
        return run.objective
    return "custom" if _dim(run) == 1 else "custom_2d"


def warming() -> bool:
    """Whether the compiled loop is still being prepared (a fresh server's first seconds; compiled.ready() starts
    it). Not once it failed: then the numpy loop answers for good, priced as such under the usual cap."""
    return compiled.preparing()


def wait_while_warming(seconds: float) -> None:
    """Up to `seconds` while the compiled loop is prepared: back the moment it is ready (or has failed)."""
    compiled.settle(seconds)


def _between(costs, run: Run) -> tuple[float, ...]:
    """A mini-batch between 16 and 64 examples priced on the line between the two calibrated sizes (a smaller one as
    16: more updates share each permutation, so it costs less); costs: size -> its (fixed, per lane, own)."""
    if run.variant != "minibatch":
        return costs(run.variant)
    small, large = costs("minibatch16"), costs("minibatch64")
    weight = (min(max(run.batch_size, 16), 64) - 16) / 48
    return tuple(a + weight * (b - a) for a, b in zip(small, large, strict=True))


def _costs(run: Run, reference: bool) -> tuple[float, ...]:
    """ns per update (fixed, per lane of a shared run, per lane with its own samples) of the run's loop."""
    name, scale = priced_as(run), _scale(run)
    if reference:
        return tuple(scale * cost for cost in _between(lambda size: REFERENCE_NS[(name, size)], run))
    return tuple(scale * cost for cost in _between(lambda size: COST_NS[(name, size, run.stop)], run))


def _scale(run: Run) -> float:
    """How many times its COST_NS row a run costs: a typed formula's per instruction, and a formula smaller than the
    article curve costs the loop's own overhead, as it does; a learner's rows per example (every update takes J over
    all of them), and fewer than the built-in's 64 cost what those do (the loop's overhead, again)."""
    if run.objective == CUSTOM:
        return max(instructions(run.function or DEFAULT_FUNCTION), instructions(DEFAULT_FUNCTION))
    if run.objective in LIKE:
        return max(problem_of(run.objective, run.function).n_examples, N_EXAMPLES) / N_EXAMPLES
    return 1


def _seconds(run: Run, call: Call, updates: int, reference: bool) -> float:
    """What one call costs at `updates` per run, in seconds of this project's machine kind."""
    if call.kind == "pin":
        return _seconds(run.pin, Call("shared", call.lanes), run.pin.max_iter, reference)
    if call.kind == "momentum":
        fixed, per_lane = MOMENTUM_NS
        return MOMENTUM_UPDATES * (fixed + per_lane * call.lanes) / 1e9
    if call.kind == "article":
        return updates * ARTICLE_NS / 1e9
    if call.kind in ("range", "replay", "newton", "starts"):  # its own number of updates, on the numpy loop
        fixed, per_lane, _ = _costs(run, reference=True)
        hessians = NEWTON_NS * call.lanes if call.kind == "newton" else 0
        return _own_updates(run, call, updates) * (fixed + per_lane * call.lanes + hessians) / 1e9
    fixed, per_lane, own = _costs(run, reference)
    if call.kind == "shared":
        return updates * (fixed + per_lane * call.lanes) / 1e9
    if call.kind == "own":
        return updates * OWN_SAMPLES_FACTOR * own * call.lanes / 1e9
    return updates * EACH_STOP_FACTOR * (fixed + per_lane) / 1e9


def _own_updates(run: Run, call: Call, updates: int) -> int:
    """The updates of a call that makes its own number of them: the range test's, each start's in the basins, a
    replay's (of a run of `updates` at most), Newton's method's."""
    if call.kind in ("range", "starts"):
        return run.range_updates if call.kind == "range" else run.basin_updates
    return min(updates, INSIDE_UPDATES if call.kind == "replay" else NEWTON_UPDATES)


def _megabytes(run: Run, call: Call, updates: int) -> float:
    """The histories a call keeps: θ (dim numbers) and J per update and lane; each_stop its steps too (momentum's map
    and the article's loop keep none)."""
    if call.kind in ("momentum", "article"):
        return 0.0
    if call.kind == "pin":
        return _megabytes(run.pin, Call("shared", call.lanes), run.pin.max_iter)
    dim = _dim(run)
    if call.kind == "range":
        return call.lanes * (run.range_updates + 1) * (dim + 1) * 8 / 1e6
    if call.kind == "replay":  # the gradient, the step and the rule's state (up to 3 rows of dim) per update
        return call.lanes * _own_updates(run, call, updates) * 5 * dim * 8 / 1e6
    if call.kind == "newton":
        return call.lanes * (_own_updates(run, call, updates) + 1) * (dim + 1) * 8 / 1e6
    if call.kind == "starts":  # no history: θ, J, the rule's state and the loop's temporaries, a few rows per lane
        return call.lanes * 8 * (dim + 1) * 8 / 1e6
    return call.lanes * (updates + 1) * (2 * dim + 1 if call.kind == "stops" else dim + 1) * 8 / 1e6


MAP_VIEWS = ("compare", "theory", "stopping", "noise", "race", "geometry", "regression")  # the builders that draw a
# surface's maps (and compute the map itself, the first time a typed surface is drawn)


def _draws_maps(run: Run, builder: str) -> bool:
    return _dim(run) > 1 and builder in MAP_VIEWS


def cost(run: Run, priced: tuple[Call, ...], updates: int | None = None, reference: bool | None = None,
         maps: bool = False) -> tuple[float, float]:
    """(seconds, megabytes) of the calls at `updates` per run (the iteration limit unless given), on the loop that
    will run them (reference: that loop, unless given), on this machine (speed()); maps: drawing a surface's maps
    (MAP_SECONDS) is added."""
    updates = run.max_iter if updates is None else updates
    reference = (warming() or compiled.failed()) if reference is None else reference  # the numpy loop answers
    seconds = sum(_seconds(run, call, updates, reference) for call in priced) + (MAP_SECONDS if maps else 0.0)
    return seconds * speed(), sum(_megabytes(run, call, updates) for call in priced)


def price(run: Run, updates: int | None = None, reference: bool | None = None) -> tuple[float, float]:
    """The open page view's worst-case (seconds, megabytes) at `updates` per run (the iteration limit unless given):
    the run above the tabs and the open tab's, as if every run went to the limit."""
    return cost(run, page_calls(run), updates, reference, _draws_maps(run, run.view))


def check(run: Run) -> None:
    """Raise WorkCapError, before any work, if the open page view would cost more than SECONDS or MEGABYTES."""
    _refuse_over(run, lambda updates, reference=None: price(run, updates, reference))


def check_headline(run: Run) -> None:
    """Raise WorkCapError, before any work, if the run above the tabs alone would cost more than the cap."""
    _refuse_over(run, lambda updates, reference=None: cost(run, page_calls(replace(run, view="predict")), updates,
                                                           reference))


def _refuse_over(run: Run, priced) -> None:
    waiting = warming()  # read once: a refusal judged against WARMING_SECONDS is said as warming
    allowed = WARMING_SECONDS if waiting else SECONDS
    seconds, megabytes = priced(None)
    if seconds <= allowed and megabytes <= MEGABYTES:
        return
    low, high = 0, run.max_iter  # the largest limit that fits: both prices grow with the limit
    while low < high:
        middle = (low + high + 1) // 2
        spent, memory = priced(middle)
        low, high = (middle, high) if spent <= allowed and memory <= MEGABYTES else (low, middle - 1)
    compiled_price = priced(None, False)
    raise WorkCapError(run, runs(run), seconds, megabytes, low,
                       waiting and compiled_price[0] <= SECONDS and compiled_price[1] <= MEGABYTES)


@functools.cache
def speed() -> float:
    """How much slower than the calibration's machine this one runs the numpy loop, measured once per process in
    processor time (so a busy server measures what an idle one does): 1 within SPEED_SLACK, else the measured
    factor, by which every price grows."""
    from gd.run import _compare

    def measured() -> float:
        start = time.thread_time()
        _compare([0.1] * 5, "quadratic", {"max_iter": SPEED_UPDATES, "epsilon": 0.0}, engine="reference")
        return time.thread_time() - start

    factor = min(measured() for _ in range(5)) / SPEED_SECONDS
    return 1.0 if factor <= SPEED_SLACK else factor


SPEED_UPDATES = 2_000  # the measure of speed(): the numpy loop on the parabola, 5 lanes, about 25 ms
SPEED_SECONDS = 0.0206  # what it takes on the calibration's machine (bench/budget.py --calibrate --reference)

_HEAVY = threading.RLock()  # a heavy builder may call another builder


def builder_seconds(builder: str, run: Run) -> float:
    """What one builder's work is priced at: its engine calls, and drawing a surface's maps where it draws them."""
    return cost(run, calls(run, builder), maps=_draws_maps(run, builder))[0]


def heavy(builder: str, run: Run) -> bool:
    """Whether the builder's work is priced heavy: it takes turns with the other heavy builders (in the heavy
    worker, gd.lab.heavy, or the heavy lane here)."""
    return builder_seconds(builder, run) > HEAVY_SECONDS


@contextmanager
def metered(builder: str, run: Run):
    """The engine work of one builder: priced (its calls, on the loop that will run them), made in the heavy lane
    when heavy (work priced over HEAVY_SECONDS takes turns: with two cores, one heavy builder at a time leaves the
    other core to every light request, such as an η change), and stopped by gd.cpu_limit past LIMIT_FACTOR × its
    price + LIMIT_FLOOR of processor time, so that a wrong price cannot become a page of many seconds. Taken inside a
    builder, so that a view already cached never waits; the cap itself is checked by the page (check)."""
    seconds = builder_seconds(builder, run)
    token = _priced.set(Priced(calls(run, builder), _draws_maps(run, builder)))
    try:
        with _HEAVY if seconds > HEAVY_SECONDS else nullcontext(), cpu_limit(LIMIT_FACTOR * seconds + LIMIT_FLOOR):
            yield
    finally:
        _priced.reset(token)


class Priced(NamedTuple):
    """What was priced for the builder running in a thread: its engine calls, and whether drawing a surface's maps."""

    calls: tuple[Call, ...] = ()
    maps: bool = False


_priced: ContextVar[Priced | None] = ContextVar("priced", default=None)


def priced() -> Priced:
    """What was priced for the builder running in this thread (nothing outside one): what tests hold the engine's real
    calls, and the maps really drawn, against."""
    return _priced.get() or Priced()
