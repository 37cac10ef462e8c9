"""The simulated day runs reproducibly and yields a finite estimator error."""

from __future__ import annotations

import math
import random

from luukku.core.queueing import simulate_day


def test_daysim__fixed_seed__finite_mae():
    result = simulate_day(seed=7)
    assert result.n > 50
    assert math.isfinite(result.mae_minutes)
    assert 0 <= result.band_coverage <= 1


def test_daysim__same_seed__same_day():
    assert simulate_day(seed=3) == simulate_day(rng=random.Random(3))
