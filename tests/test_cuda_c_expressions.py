"""The C side of cuda_array_ops' expressions, checked on the host.

fake_cupy runs each expression as Python over numpy, which says nothing of what C++ makes of the
same text; the first H100 run showed the difference (a `where` returning a reference to its own
parameter gave garbage wherever both branches had one type). Here the preamble and every
expression are compiled as host C++ (g++, `__device__` defined away) and evaluated on the values
where functions part ways -- NaN, +-inf, +-0, tiny, large -- in float and double, against numpy
evaluating the same text; and the flat RawKernel sources compile to PTX for sm_90 (nvcc).
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import math

from minitorch.backends import cuda_array_ops
from minitorch.ops import activation_scalars as activations

VALUES = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -2.5, 3.0, -3.0, 6.0, 100.0, -100.0, 0.5]
# the activations' own expressions (one instance of each parameterised family, odd parameters)
ACTIVATIONS = [
    activations.GELU, activations.GELU_TANH, activations.SILU, activations.MISH, activations.HARDSWISH,
    activations.HARDSIGMOID, activations.LOGSIGMOID, activations.SOFTSIGN, activations.TANHSHRINK,
    activations.leaky_relu_pair(0.2), activations.elu_pair(0.5, 1.25, 2.0), activations.softplus_pair(2.0, 5.0),
    activations.hardtanh_pair(-2.0, 6.0),
]
FUNCTIONS = sorted(cuda_array_ops.EXPRESSIONS, key=lambda fn: fn.__name__) + [fn for pair in ACTIVATIONS for fn in pair]
C_TYPES = {"float": np.float32, "double": np.float64}


def _program() -> str:
    lines = [
        "#include <cmath>", "#include <cstdio>",
        "using std::exp; using std::log; using std::fabs; using std::isnan; using std::expm1; using std::log1p;"
        " using std::tanh; using std::erf;",
        "#define __device__", "#define __forceinline__ inline", cuda_array_ops.PREAMBLE,
    ]
    for fn in FUNCTIONS:
        _, expression = cuda_array_ops.expression_of(fn)
        lines.append(f"template <typename T> T f_{fn.__name__}(T x, T y) {{ (void)y; return {expression}; }}")
    values = ", ".join(repr(float(v)).replace("nan", "NAN").replace("inf", "INFINITY") for v in VALUES)
    lines += [f"const double VALUES[] = {{{values}}};", "template <typename T> void run(const char* type) {"]
    for fn in FUNCTIONS:
        lines.append(
            f'  for (double x : VALUES) for (double y : VALUES) printf("%s {fn.__name__} %a\\n", type, (double)f_{fn.__name__}<T>((T)x, (T)y));'
        )
    lines += ["}", 'int main() { run<float>("float"); run<double>("double"); }']
    return "\n".join(lines)


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++")
def test_expressions_mean_in_cpp_what_they_mean_in_numpy(tmp_path: Path):
    source, binary = tmp_path / "expressions.cpp", tmp_path / "expressions"
    source.write_text(_program())
    compiled = subprocess.run(["g++", "-std=c++17", "-O2", "-Wall", "-Werror", str(source), "-o", str(binary)],
                              capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr[-3000:]
    results: dict = {}
    for line in subprocess.run([str(binary)], capture_output=True, text=True, check=True).stdout.splitlines():
        ctype, name, value = line.split()
        results.setdefault((ctype, name), []).append(float.fromhex(value) if "nan" not in value else np.nan)
    x, y = (np.array(v) for v in zip(*itertools.product(VALUES, VALUES)))
    namespace = {"where": np.where, "exp": np.exp, "log": np.log, "fabs": np.abs, "isnan": np.isnan, "expm1": np.expm1,
                 "log1p": np.log1p, "tanh": np.tanh, "erf": np.vectorize(math.erf, otypes=[float])}
    activation_functions = {fn for pair in ACTIVATIONS for fn in pair}
    for fn in FUNCTIONS:
        _, expression = cuda_array_ops.expression_of(fn)
        for ctype, dtype in C_TYPES.items():
            # the activations' literals are doubles: C computes them in double, then rounds to T
            math_dtype = np.float64 if fn in activation_functions else dtype
            operands = {"x": x.astype(dtype).astype(math_dtype), "y": y.astype(dtype).astype(math_dtype)}
            with np.errstate(all="ignore"):
                want = np.broadcast_to(eval(expression, namespace, operands), x.shape).astype(dtype)
            got = np.array(results[(ctype, fn.__name__)])
            rtol = 1e-6 if dtype is np.float32 else 1e-14
            np.testing.assert_allclose(got, want.astype(np.float64), rtol=rtol, atol=np.finfo(dtype).tiny, equal_nan=True,
                                       err_msg=f"{fn.__name__} in C++ {ctype}")


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="needs nvcc")
def test_flat_kernel_sources_compile_for_sm_90(tmp_path: Path, monkeypatch):
    """The RawKernel sources, exactly as _flat builds them, through nvcc (what NVRTC sees on the GPU)."""
    sources = []

    class Recorder:  # stands in for cupy.RawKernel: keeps the source
        def __init__(self, code: str, name: str) -> None:
            sources.append((name, code))
            self.kernel = None

    import sys
    import types

    monkeypatch.setitem(sys.modules, "cupy", types.SimpleNamespace(RawKernel=Recorder))
    cuda_array_ops._flat.cache_clear()
    try:
        for fn in FUNCTIONS:
            for dtype in (np.dtype(np.float32), np.dtype(np.float64)):
                cuda_array_ops._flat(fn, dtype)
    finally:
        cuda_array_ops._flat.cache_clear()
    source = tmp_path / "flat.cu"
    source.write_text("\n".join(f"namespace k{i} {{\n{code}\n}}" for i, (_, code) in enumerate(sources)))
    compiled = subprocess.run(["nvcc", "-std=c++17", "-arch=sm_90", "-ptx", str(source), "-o", str(tmp_path / "flat.ptx")],
                              capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stderr[-3000:]
