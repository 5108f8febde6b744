"""Pilot planner: how many learners a dual pilot needs, and what its results say.

Seed 002 recommends two parallel pilots (microlearning and instructor-led) measured at
30 and 90 days. Outcomes are proportions: the share of learners who pass a knowledge
test, click a simulated phishing link, meet a productivity target. Rates are fractions
in 0..1 here (0.35 means 35 %); arm A is the comparison arm, arm B the arm under test.

Planning (normal approximation, no continuity correction):

    superiority, two-sided, pooled variance (Fleiss, Levin & Paik 2003, eq. 4.14;
    the formula behind R's ``power.prop.test``):
        n = [z(1−α/2)·√(2·p̄·(1−p̄)) + z(1−β)·√(pA(1−pA) + pB(1−pB))]² / (pB − pA)²,
        p̄ = (pA + pB) / 2
    non-inferiority, one-sided, margin δ > 0 (Chow, Shao & Wang 2008, section 4.2):
        H0: pB − pA ≤ −δ;  n = (z(1−α) + z(1−β))²·(pA(1−pA) + pB(1−pB)) / (pB − pA + δ)²
        α is one-sided here; the usual convention is α = 0.025, as strict as a two-sided 0.05
    cluster randomisation (teams of m learners, intra-cluster correlation ICC):
        design effect DE = 1 + (m − 1)·ICC;  n_cluster = ⌈n·DE⌉;  teams = ⌈n_cluster / m⌉

Sample sizes are per arm and rounded up; None when no finite sample size exists (equal
rates: nothing to detect). `pilot_size` is the Pilot planner's plan: the test its question
asks for, then the team inflation (one definition, for its page and for the verdict).

Analysis of entered results (successes / learners per arm):

    difference  d = pB − pA
    95 % CI     Newcombe's hybrid score interval (Newcombe 1998, method 10) from the
                two Wilson score intervals; unlike Wald it stays sensible at 0 or n successes
    p-value     two-proportion z-test with pooled variance, two-sided
                (z² equals Pearson's chi-square without continuity correction)
    P(B > A)    Bayesian, uniform Beta(1, 1) priors, computed exactly (Miller 2015)

>>> sample_size(0.50, 0.75, alpha=0.05, power=0.90)  # R: power.prop.test → n = 76.7
77
>>> noninferiority_sample_size(0.80, 0.80, 0.05, alpha=0.025)  # 80 % vs 80 %, margin 5 points
1005
>>> round(design_effect(12, 0.05), 2)
1.55
>>> r = compare(48, 80, 56, 70)
>>> round(r.difference, 4), [round(x, 4) for x in r.ci]
(0.2, [0.0524, 0.3339])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

from calculators.goal_seek import goal_seek
from calculators.retention import two_point_stability
from calculators.roi import Option
from calculators.scenario import INPUTS, Scenario

_STANDARD_NORMAL = NormalDist()


def _z(probability: float) -> float:
    """The standard normal quantile z(probability)."""
    return _STANDARD_NORMAL.inv_cdf(probability)


def _check_rate(name: str, p: float) -> None:
    if not 0.0 <= p <= 1.0 or not math.isfinite(p):
        raise ValueError(f"{name} must be a rate between 0 and 1, got {p!r}")


def _check_design(alpha: float, power: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must be between 0 and 1 (exclusive), got {power!r}")


def sample_size_exact(
    baseline: float, target: float, alpha: float = 0.05, power: float = 0.80
) -> float | None:
    """Learners per arm, unrounded, to tell `target` from `baseline` (two-sided, pooled variance).

    None when the rates are equal (no finite sample size detects a zero difference).

    >>> round(sample_size_exact(0.60, 0.80), 2)  # p̄ = 0.7: (1.96·√0.42 + 0.8416·√0.40)² / 0.2²
    81.22
    >>> sample_size_exact(0.4, 0.4) is None
    True
    """
    _check_rate("baseline", baseline)
    _check_rate("target", target)
    _check_design(alpha, power)
    delta = target - baseline
    if abs(delta) < 1e-12:
        return None
    mean = (baseline + target) / 2
    spread = _z(1 - alpha / 2) * math.sqrt(2 * mean * (1 - mean)) + _z(power) * math.sqrt(
        baseline * (1 - baseline) + target * (1 - target)
    )
    return spread**2 / delta**2


def sample_size(baseline: float, target: float, alpha: float = 0.05, power: float = 0.80) -> int | None:
    """Learners per arm (rounded up) to detect a change from `baseline` to `target`.

    Two-sided test of two proportions, pooled-variance normal approximation, equal arms.
    Worked example: a workshop's knowledge-test pass rate at day 30 is 35 % (seed 000's
    retention figure); to detect microlearning lifting it to 50 % with α = 0.05 and 80 %
    power takes 170 learners in each arm.

    >>> sample_size(0.35, 0.50)
    170
    >>> sample_size(0.35, 0.35) is None  # equal rates: nothing to detect
    True
    """
    n = sample_size_exact(baseline, target, alpha, power)
    return None if n is None else math.ceil(n - 1e-9)


def noninferiority_sample_size(
    baseline: float, target: float, margin: float, alpha: float = 0.025, power: float = 0.80
) -> int | None:
    """Learners per arm (rounded up) to show arm B is not worse than arm A by more than `margin`.

    One-sided test at level α of H0: pB − pA ≤ −margin against H1: pB − pA > −margin,
    normal approximation with unpooled variance (Chow, Shao & Wang 2008, section 4.2;
    Blackwelder 1982):

        n = (z(1−α) + z(1−β))² · (pA(1−pA) + pB(1−pB)) / (pB − pA + margin)²

    rounded up, where 1−β is the power. With equal expected rates p the numerator's variance
    is 2·p(1−p) and the denominator margin². Rates and margin are fractions (0.05 = 5 points).
    α is one-sided: the usual convention for non-inferiority is α = 0.025 (the default),
    which is as strict as a two-sided test at 0.05. None when the expected difference does
    not clear the margin (pB − pA + margin ≤ 0): no sample size can show non-inferiority then.

    Worked example: both formats expected to reach 80 %, microlearning may be at most
    5 points worse, one-sided α = 0.025, 80 % power:
    (1.959964 + 0.841621)² · 2 · 0.8 · 0.2 / 0.05² = 7.848880 · 128 = 1004.66 → 1,005 per arm.

    >>> noninferiority_sample_size(0.80, 0.80, 0.05, alpha=0.025, power=0.80)
    1005

    Chow, Shao & Wang's example (as reproduced by powerandsamplesize.com): control 65 %, new
    format 85 %, margin 10 points, one-sided α = 0.05, 80 % power → 25 per arm.

    >>> noninferiority_sample_size(0.65, 0.85, 0.10, alpha=0.05)
    25
    >>> noninferiority_sample_size(0.60, 0.45, 0.10) is None
    True
    """
    _check_rate("baseline", baseline)
    _check_rate("target", target)
    _check_design(alpha, power)
    if not 0.0 < margin < 1.0:
        raise ValueError(f"margin must be between 0 and 1 (exclusive), got {margin!r}")
    gap = target - baseline + margin
    if gap <= 1e-12:  # at the margin (within rounding): nothing can show non-inferiority
        return None
    variance = baseline * (1 - baseline) + target * (1 - target)
    if variance == 0:
        return 1
    return math.ceil((_z(1 - alpha) + _z(power)) ** 2 * variance / gap**2 - 1e-9)


def two_sided_alpha(alpha: float, one_sided: bool) -> float:
    """The two-sided level as strict as `alpha`: 2·α for a one-sided α, α itself otherwise.

    A one-sided test at 0.025 rejects exactly when a two-sided test at 0.05 rejects in that
    direction; two-sided checks (the minimum detectable effect) use this level.

    >>> two_sided_alpha(0.025, one_sided=True), two_sided_alpha(0.05, one_sided=False)
    (0.05, 0.05)
    """
    return 2 * alpha if one_sided else alpha


def design_effect(cluster_size: float, icc: float) -> float:
    """Variance inflation of randomising teams instead of learners: DE = 1 + (m − 1)·ICC (≥ 1).

    >>> design_effect(1, 0.3), design_effect(21, 0.05)
    (1.0, 2.0)
    """
    if cluster_size < 1:
        raise ValueError(f"cluster size must be at least 1, got {cluster_size!r}")
    if not 0.0 <= icc <= 1.0:
        raise ValueError(f"ICC must be between 0 and 1, got {icc!r}")
    return 1.0 + (cluster_size - 1.0) * icc


@dataclass(frozen=True)
class ClusterPlan:
    """Sample size per arm when whole teams are randomised."""

    individual: int  # learners per arm if learners were randomised one by one
    design_effect: float
    learners: int  # ⌈individual · DE⌉, rounded up to whole teams
    teams: int  # teams per arm


def cluster_plan(individual: int, cluster_size: int, icc: float) -> ClusterPlan:
    """Inflate a per-arm sample size for team randomisation and count the teams.

    Teams of 12 with ICC 0.05 inflate 170 learners per arm by 1.55 to 264, i.e. 22 teams.

    >>> cluster_plan(170, 12, 0.05)
    ClusterPlan(individual=170, design_effect=1.55, learners=264, teams=22)
    """
    de = design_effect(cluster_size, icc)
    inflated = math.ceil(individual * de - 1e-9)
    teams = math.ceil(inflated / cluster_size)
    return ClusterPlan(individual, de, teams * cluster_size, teams)


def effective_learners(enrolled: float, cluster_size: int, icc: float, clustered: bool) -> float:
    """Learners per arm worth of information: enrolled / design effect when teams are randomised.

    >>> effective_learners(264, 12, 0.05, True), effective_learners(264, 12, 0.05, False)
    (170.32258064516128, 264)
    """
    return enrolled / design_effect(cluster_size, icc) if clustered else enrolled


PilotQuestion = Literal["better", "no worse"]  # the Pilot planner's question, as its page setting holds it


@dataclass(frozen=True)
class PilotSize:
    """Learners per arm a dual pilot needs to answer its question."""

    individual: int  # per arm if learners were randomised one by one
    learners: int  # per arm as planned: `individual`, or whole teams when teams are randomised
    cluster: ClusterPlan | None = None  # the team plan when whole teams are randomised


def pilot_size(
    design: PilotQuestion,
    baseline: float,
    target: float,
    margin: float,
    alpha: float,
    power: float,
    clustered: bool = False,
    team_size: int = 1,
    icc: float = 0.0,
) -> PilotSize | None:
    """Learners per arm the Pilot planner plans: the one definition of its sample size.

    `design` is the question: "better" is a two-sided superiority test at level `alpha`
    (`sample_size`, pooled variance); "no worse" a one-sided non-inferiority test at
    one-sided level `alpha` with `margin` (`noninferiority_sample_size`, unpooled variance):

        better:    n = [z(1−α/2)·√(2·p̄(1−p̄)) + z(1−β)·√(pA(1−pA) + pB(1−pB))]² / (pB − pA)²
        no worse:  n = (z(1−α) + z(1−β))² · (pA(1−pA) + pB(1−pB)) / (pB − pA + δ)²

    each rounded up. When whole teams of m learners are randomised (`clustered`), n is
    inflated by the design effect DE = 1 + (m − 1)·ICC and rounded up to whole teams
    (`cluster_plan`): learners = m·⌈⌈n·DE⌉ / m⌉.

    Units: `baseline` (pA, arm A, instructor-led) and `target` (pB, arm B, microlearning)
    are rates as fractions in 0..1; `margin` (δ) is a fraction too (0.10 = 10 points) and is
    used only for "no worse"; 1−β is `power`; `team_size` is learners per team and `icc` the
    intra-cluster correlation in 0..1, both used only when `clustered`. Sizes are learners
    per arm. None when no finite size answers the question (equal rates for "better", an
    expected rate that does not clear the margin for "no worse"); ValueError on rates,
    levels or teams out of range, or an unknown question.

    Worked example: a workshop's pass rate is 35 %, microlearning is expected to reach 50 %;
    telling them apart at α = 0.05 with 80 % power takes 170 learners per arm. Randomising
    teams of 12 with ICC 0.05 multiplies that by DE = 1 + 11 × 0.05 = 1.55: ⌈263.5⌉ = 264
    learners, exactly 22 teams.

    >>> pilot_size("better", 0.35, 0.50, 0.10, 0.05, 0.80)
    PilotSize(individual=170, learners=170, cluster=None)
    >>> size = pilot_size("better", 0.35, 0.50, 0.10, 0.05, 0.80, clustered=True, team_size=12, icc=0.05)
    >>> size.individual, size.learners, size.cluster.teams, size.cluster.design_effect
    (170, 264, 22, 1.55)
    >>> pilot_size("no worse", 0.80, 0.80, 0.05, 0.025, 0.80).learners  # margin 5 points, one-sided 2.5 %
    1005
    >>> pilot_size("better", 0.35, 0.35, 0.10, 0.05, 0.80) is None  # equal rates: nothing to detect
    True
    """
    if design == "no worse":
        n = noninferiority_sample_size(baseline, target, margin, alpha, power)
    elif design == "better":
        n = sample_size(baseline, target, alpha, power)
    else:
        raise ValueError(f"the question must be 'better' or 'no worse', got {design!r}")
    if n is None:
        return None
    if not clustered:
        return PilotSize(n, n)
    plan = cluster_plan(n, int(team_size), float(icc))
    return PilotSize(n, plan.learners, plan)


def minimum_detectable_difference(
    baseline: float, learners: float, alpha: float = 0.05, power: float = 0.80, direction: int = 1
) -> float | None:
    """The smallest change from `baseline` a pilot of `learners` per arm detects (two-sided).

    Solves `sample_size_exact(baseline, baseline ± d) = learners` for d > 0 by bisection;
    `direction` +1 looks for increases, −1 for decreases. None when even the largest possible
    change (to a rate of 1 or 0) needs more learners.

    >>> round(minimum_detectable_difference(0.50, 76.7, power=0.90), 3)  # R's example backwards
    0.25
    """
    _check_rate("baseline", baseline)
    _check_design(alpha, power)
    room = 1.0 - baseline if direction > 0 else baseline
    if learners <= 0 or room <= 0:
        return None

    def needed(d: float) -> float:
        n = sample_size_exact(baseline, baseline + direction * d, alpha, power)
        return math.inf if n is None else n

    if needed(room) > learners:
        return None
    lo, hi = 0.0, room
    for _ in range(100):
        mid = (lo + hi) / 2
        if needed(mid) > learners:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return hi


def wilson_interval(successes: int, learners: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of one proportion (used by Newcombe's interval).

    >>> [round(x, 4) for x in wilson_interval(0, 10)]
    [0.0, 0.2775]
    """
    _check_counts(successes, learners)
    z = _z(1 - (1 - confidence) / 2)
    p = successes / learners
    centre = (p + z * z / (2 * learners)) / (1 + z * z / learners)
    half = z * math.sqrt(p * (1 - p) / learners + z * z / (4 * learners**2)) / (1 + z * z / learners)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _check_counts(successes: int, learners: int) -> None:
    if learners <= 0:
        raise ValueError("each arm needs at least one learner")
    if not 0 <= successes <= learners:
        raise ValueError(f"successes must be between 0 and {learners}, got {successes}")


def newcombe_interval(
    successes_a: int, learners_a: int, successes_b: int, learners_b: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for pB − pA (Newcombe 1998, method 10).

    With Wilson limits (lA, uA) and (lB, uB):
    lower = d − √((pB − lB)² + (uA − pA)²),  upper = d + √((uB − pB)² + (pA − lA)²).

    >>> [round(x, 4) for x in newcombe_interval(0, 10, 0, 10)]  # Newcombe 1998, example (f)
    [-0.2775, 0.2775]
    """
    pa, pb = successes_a / learners_a, successes_b / learners_b
    la, ua = wilson_interval(successes_a, learners_a, confidence)
    lb, ub = wilson_interval(successes_b, learners_b, confidence)
    d = pb - pa
    low = d - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
    high = d + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    return max(-1.0, low), min(1.0, high)  # a difference of rates: rounding may not step outside ±1


def z_test(successes_a: int, learners_a: int, successes_b: int, learners_b: int) -> tuple[float, float]:
    """Two-proportion z-test with pooled variance: (z, two-sided p-value).

    z = (pB − pA) / √(p̂(1 − p̂)(1/nA + 1/nB)), p̂ the pooled rate. When every learner
    in both arms has the same outcome (p̂ = 0 or 1) there is no variation: z = 0, p = 1.

    >>> z, p = z_test(48, 80, 56, 70)  # z² = Pearson chi-square 7.024
    >>> round(z, 3), round(p, 4)
    (2.65, 0.008)
    """
    _check_counts(successes_a, learners_a)
    _check_counts(successes_b, learners_b)
    pooled = (successes_a + successes_b) / (learners_a + learners_b)
    variance = pooled * (1 - pooled) * (1 / learners_a + 1 / learners_b)
    if variance <= 0:
        return 0.0, 1.0
    z = (successes_b / learners_b - successes_a / learners_a) / math.sqrt(variance)
    return z, min(2 * (1 - _STANDARD_NORMAL.cdf(abs(z))), 1.0)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def probability_b_beats_a(successes_a: int, learners_a: int, successes_b: int, learners_b: int) -> float:
    """P(pB > pA) with uniform Beta(1, 1) priors, exactly.

    Posteriors Beta(αA, βA) and Beta(αB, βB) with α = 1 + successes, β = 1 + failures;
    for whole-number αB (Evan Miller, "Formulas for Bayesian A/B testing", 2015):

        P(pB > pA) = Σ_{i=0}^{αB−1} B(αA + i, βA + βB) / ((βB + i)·B(1 + i, βB)·B(αA, βA))

    No data (0 learners in both arms) gives 1/2. Arms may have 0 learners (prior only).

    >>> round(probability_b_beats_a(48, 80, 56, 70), 4)
    0.9959
    >>> round(probability_b_beats_a(0, 0, 0, 0), 12)
    0.5
    """
    for s, n in ((successes_a, learners_a), (successes_b, learners_b)):
        if n < 0 or not 0 <= s <= max(n, 0):
            raise ValueError(f"successes must be between 0 and the learners, got {s} of {n}")
    alpha_a, beta_a = 1 + successes_a, 1 + learners_a - successes_a
    alpha_b, beta_b = 1 + successes_b, 1 + learners_b - successes_b
    i = np.arange(alpha_b, dtype=np.float64)
    log_terms = np.array(
        [
            _log_beta(alpha_a + k, beta_a + beta_b) - math.log(beta_b + k) - _log_beta(1 + k, beta_b)
            for k in i.tolist()
        ]
    ) - _log_beta(alpha_a, beta_a)
    top = float(np.max(log_terms))
    total = math.exp(top) * float(np.sum(np.exp(log_terms - top)))
    return min(max(total, 0.0), 1.0)


def probability_b_beats_a_monte_carlo(
    successes_a: int, learners_a: int, successes_b: int, learners_b: int, draws: int = 200_000, seed: int = 0
) -> float:
    """The same probability by simulation (seeded, reproducible), to check the exact formula.

    >>> probability_b_beats_a_monte_carlo(48, 80, 56, 70, seed=1) == probability_b_beats_a_monte_carlo(48, 80, 56, 70, seed=1)
    True
    """
    rng = np.random.default_rng(seed)
    a = rng.beta(1 + successes_a, 1 + learners_a - successes_a, draws)
    b = rng.beta(1 + successes_b, 1 + learners_b - successes_b, draws)
    return float(np.mean(b > a))


@dataclass(frozen=True)
class Comparison:
    """What a two-arm result says (rates as fractions)."""

    rate_a: float
    rate_b: float
    difference: float  # pB − pA
    ci: tuple[float, float]  # 95 % Newcombe hybrid score interval of the difference
    z: float
    p_value: float  # two-sided
    prob_b_beats_a: float  # Bayesian, Beta(1, 1) priors


def compare(successes_a: int, learners_a: int, successes_b: int, learners_b: int) -> Comparison:
    """Difference, 95 % CI, p-value and P(B beats A) for one measurement of both arms.

    Raises ValueError when an arm has no learners or more successes than learners.

    >>> r = compare(0, 20, 0, 10)  # Newcombe 1998, example (e): 0/10 − 0/20, no successes anywhere
    >>> r.difference, [round(x, 4) for x in r.ci], r.p_value
    (0.0, [-0.1611, 0.2775], 1.0)
    """
    z, p = z_test(successes_a, learners_a, successes_b, learners_b)
    return Comparison(
        rate_a=successes_a / learners_a,
        rate_b=successes_b / learners_b,
        difference=successes_b / learners_b - successes_a / learners_a,
        ci=newcombe_interval(successes_a, learners_a, successes_b, learners_b),
        z=z,
        p_value=p,
        prob_b_beats_a=probability_b_beats_a(successes_a, learners_a, successes_b, learners_b),
    )


def retention_at(day: float, t1: float, r1: float, stability: float) -> float:
    """The fitted exponential through the first measurement, at `day`: R1·e^(−(day − t1)/S).

    >>> round(retention_at(30, 30, 0.6, 148.0), 3), round(retention_at(90, 30, 0.6, 147.98), 3)
    (0.6, 0.4)
    """
    return r1 * math.exp(-(day - t1) / stability)


DAY_FIRST, DAY_SECOND = 30, 90  # seed 002: "measure impact at 30 and 90 days"


@dataclass(frozen=True)
class DecayFit:
    """Two-point exponential fit of one arm, and the value it gives the retention model."""

    stability: float | None  # S in days; None when the data show no decay
    at_reference: float | None  # fitted retention at the reference day, whole percent, within bounds
    message: str


def decay_fit(
    passed_first: int,
    tested_first: int,
    passed_second: int,
    tested_second: int,
    reference_day: int,
    bounds: tuple[float, float] = (1.0, 100.0),
) -> DecayFit:
    """Fit S = (t2 − t1) / ln(R1 / R2) to one arm's day-30 and day-90 results (retention.two_point_stability),
    then read the fitted curve R1·e^(−(t − t1)/S) at the model's reference day, as a whole percent
    (the sidebar's step) that must lie within `bounds` (the field's range) to be used.

    >>> fit = decay_fit(60, 100, 40, 100, 30)
    >>> round(fit.stability, 2), fit.at_reference, fit.message
    (147.98, 60.0, 'S = 148 days')
    >>> decay_fit(40, 100, 60, 100, 30).at_reference is None
    True
    >>> print(decay_fit(2, 100, 1, 100, 365).message)
    The fitted retention at day 365 is 0.0 %, outside the model's range 1-100 %.
    """
    if tested_first <= 0 or tested_second <= 0:
        return DecayFit(None, None, "Enter how many learners were tested on both days.")
    if passed_first > tested_first or passed_second > tested_second:
        return DecayFit(None, None, "More learners passed than were tested.")
    r1, r2 = passed_first / tested_first, passed_second / tested_second
    stability = two_point_stability(DAY_FIRST, r1, DAY_SECOND, r2)
    if stability is None:
        return DecayFit(
            None, None, "No decay to fit: the day-90 rate must be above zero and below the day-30 rate."
        )
    value = round(100 * retention_at(reference_day, DAY_FIRST, r1, stability))
    low, high = bounds
    if not low <= value <= high:
        return DecayFit(
            stability,
            None,
            f"The fitted retention at day {reference_day} is {100 * retention_at(reference_day, DAY_FIRST, r1, stability):.1f} %, "
            f"outside the model's range {low:.0f}-{high:.0f} %.",
        )
    return DecayFit(stability, float(value), f"S = {stability:,.0f} days")


@dataclass(frozen=True)
class Effect:
    """A model input a pilot can measure: a relative change of arm A's rate."""

    field: str
    stream: str  # the benefit stream switch it feeds
    direction: int  # +1: the rate should rise (productivity), −1: fall (incidents)
    outcome: str  # what the pilot counts, in the user's words


EFFECTS: dict[str, Effect] = {
    "micro_productivity_gain_pct": Effect(
        "micro_productivity_gain_pct",
        "productivity_on",
        +1,
        "share of learners meeting a productivity target",
    ),
    "micro_risk_reduction_pct": Effect(
        "micro_risk_reduction_pct",
        "risk_on",
        -1,
        "share of learners causing an incident (e.g. a phishing click)",
    ),
}


@dataclass(frozen=True)
class BreakEvenCheck:
    """Can a pilot of this size tell microlearning's break-even effect from no effect (a loss)?

    Effects are relative changes of arm A's rate, in percent (the model input's unit).
    """

    effect: Effect
    stream_was_on: bool
    breakeven_pct: float | None  # None: no effect in the input's range gives ROI = 0
    profitable_without_effect: bool  # ROI ≥ 0 even at an effect of 0
    never_profitable: bool  # ROI < 0 even at the largest effect allowed
    mde_pct: float | None  # smallest relative effect the pilot detects; None: none within 0..100 %
    learners_for_breakeven: int | None  # per arm, to detect the break-even effect

    @property
    def can_tell(self) -> bool | None:
        """True/False when break-even exists and can/cannot be detected; None when not applicable."""
        if self.breakeven_pct is None:
            return None
        return self.mde_pct is not None and self.mde_pct <= self.breakeven_pct


def breakeven_check(
    scenario: Scenario,
    field: str,
    baseline: float,
    learners_per_arm: float,
    alpha: float = 0.05,
    power: float = 0.80,
) -> BreakEvenCheck:
    """Break-even effect by goal seek (microlearning ROI = 0), against the pilot's detectable effect.

    The effect's benefit stream is counted (switched on) for the check. The pilot detects a
    relative effect e when |pB − pA| = e·pA is at least its minimum detectable difference:
    MDE (relative, %) = 100 · MDE(points) / pA. The pilot can tell break-even from loss when
    MDE ≤ break-even effect.

    Worked example: productivity counted alongside the seed's turnover saving, break-even needs
    no productivity gain at all (ROI is 890 % without it):

    >>> c = breakeven_check(Scenario(), "micro_productivity_gain_pct", 0.35, 170)
    >>> c.profitable_without_effect, c.can_tell
    (True, None)
    >>> c = breakeven_check(Scenario(turnover_on=False), "micro_productivity_gain_pct", 0.35, 170)
    >>> round(c.breakeven_pct, 2), round(c.mde_pct, 1), c.can_tell, c.learners_for_breakeven
    (0.13, 42.8, False, 18291877)
    """
    effect = EFFECTS[field]
    if not 0.0 < baseline < 1.0:
        raise ValueError(f"the baseline rate must be strictly between 0 and 1, got {baseline!r}")
    counted = scenario.model_copy(update={effect.stream: True})
    result = goal_seek(counted, field, Option.MICRO, "ROI", 0.0)
    top = float(INPUTS[field].maximum or 100.0)
    breakeven = None if result.value is None else float(result.value)
    always = breakeven is None and result.low is not None and result.low >= 0
    never = breakeven is None and result.high is not None and result.high < 0
    mde = minimum_detectable_difference(baseline, learners_per_arm, alpha, power, effect.direction)
    mde_pct = None if mde is None else 100 * mde / baseline
    if mde_pct is not None and mde_pct > top:
        mde_pct = None
    needed = None
    if breakeven is not None and breakeven > 0:
        target = baseline * (1 + effect.direction * breakeven / 100)
        if 0.0 <= target <= 1.0:
            needed = sample_size(baseline, target, alpha, power)
    return BreakEvenCheck(
        effect=effect,
        stream_was_on=bool(getattr(scenario, effect.stream)),
        breakeven_pct=breakeven,
        profitable_without_effect=always,
        never_profitable=never,
        mde_pct=mde_pct,
        learners_for_breakeven=needed,
    )
