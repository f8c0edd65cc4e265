"""Shared test helpers. wsolkit is installed editable into .venv (scripts/setup.sh), so no path set-up is needed."""
import math

from wsolkit.paths import ROOT

# Float goldens are compared with this absolute tolerance: fp32 reference maps and probabilities
# differ between CPUs by ~1e-7 to ~2e-6 (summation order of BLAS kernels), far below anything
# a real change would move. Integers (indices, boxes), strings (hashes) and structure stay exact.
GOLDEN_ATOL = 1e-5

__all__ = ["GOLDEN_ATOL", "ROOT", "assert_golden_close"]


def assert_golden_close(got, want, atol=GOLDEN_ATOL, where="$"):
    """Recursive JSON comparison: floats within `atol`, everything else exactly."""
    if isinstance(want, float) or isinstance(got, float):
        assert isinstance(got, (int, float)) and isinstance(want, (int, float)) and not isinstance(got, bool), f"{where}: {got!r} vs {want!r}"
        assert math.isfinite(got) == math.isfinite(want) and (not math.isfinite(want) or abs(got - want) <= atol), \
            f"{where}: {got!r} differs from the golden {want!r} by more than {atol}"
    elif isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), f"{where}: keys {sorted(got)} vs {sorted(want)}"
        for k in want:
            assert_golden_close(got[k], want[k], atol, f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: length {len(got) if isinstance(got, list) else got!r} vs {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_golden_close(g, w, atol, f"{where}[{i}]")
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} vs {want!r} (compared exactly)"
