#!/usr/bin/env bash
# The GPU check (issue 14), prepared to run on a machine with an NVIDIA GPU whose Python already
# holds numba (+ numba-cuda), CuPy and a CUDA build of PyTorch; no package registry needed.
#
#   OUT=<dir> bash bench/gpu/check.sh      (from anywhere; it works in the repository root)
#
# Parts, each with its own time limit, each run even when an earlier one failed; the limits add
# up to 270 s, so a run fits a 300 s window (CHECK_SCALE=2 doubles every limit and budget):
#   env      20 s  versions; numba.cuda compiles a kernel (timed; numpy shim reported); CuPy
#                  compiles and launches a RawKernel and an ElementwiseKernel; torch.cuda  -> env.log
#   install  15 s  pip install --no-deps -e . (PYTHONPATH=repo either way; REPLACES an editable
#                  install of the package in that Python; SKIP_INSTALL=1 leaves it alone)  -> env.log
#   tests   110 s  pytest tests/cuda on the device, most telling first (CuPy kernels, numba
#                  window/row kernels, course Module 3, device placement, the registry's CNN
#                  ops, the numba course kernels, the rest), each test under 30 s, none started
#                  after 95 s (the rest reported skipped: budget); a summary per group    -> tests.log
#   bench   100 s  bench/gpu/bench_gpu.py beside PyTorch CUDA (launch overhead, matmul, conv,
#                  train steps, MNIST epoch; sections skipped past its 90 s budget) -> bench.log, .md, .json
#   train    25 s  minitorch train mnist --device cuda --epochs 1 --limit 2048 (the CLI)  -> train.log
# Everything also goes to check.log with timestamps; a closing summary is its tail. Results: $OUT
# (default ./gpu-results), 7 files. MNIST: the t10k IDX files in $MNIST_DIR (default
# .gpu-data/mnist); without them the MNIST parts are skipped. Compiled kernels are cached
# between the parts' processes (numba: $NUMBA_CACHE_DIR; CuPy: its own kernel cache).
# BENCH_ARGS=--quick checks the script itself with tiny sizes (e.g. NUMBA_ENABLE_CUDASIM=1 without
# a GPU; then also SKIP_INSTALL=1, to keep that machine's editable install where it points).

set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/gpu-results}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
SCALE=${CHECK_SCALE:-1}
export PYTHONUNBUFFERED=1
export MNIST_DIR=${MNIST_DIR:-$ROOT/.gpu-data/mnist}
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INDEX=1
export NUMBA_CUDA_LOW_OCCUPANCY_WARNINGS=${NUMBA_CUDA_LOW_OCCUPANCY_WARNINGS:-0}  # small test launches are expected
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-${TMPDIR:-/tmp}/minitorch-gpu-check-numba-cache}
START=$(date +%s)

log() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - START ))s] $*" | tee -a "$OUT/check.log"; }

part() {  # part NAME SECONDS LOGFILE COMMAND...: run with a time limit, tee into LOGFILE and check.log
    local name=$1 limit=$(( $2 * SCALE )) file=$3
    shift 3
    log "part $name: start (limit ${limit} s)"
    timeout --kill-after=5 "$limit" "$@" 2>&1 | tee -a "$OUT/$file" "$OUT/check.log"
    local rc=${PIPESTATUS[0]}
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then log "part $name: TIMED OUT after ${limit} s"; else log "part $name: exit $rc"; fi
}

log "GPU check in $ROOT, results in $OUT, python $PY, MNIST from $MNIST_DIR, numba cache $NUMBA_CACHE_DIR"

part env 20 env.log "$PY" - <<'EOF'
import platform, subprocess, sys, time
print("python", sys.version.split()[0], platform.platform())
try:
    print(subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                         capture_output=True, text=True, timeout=10).stdout.strip())
except Exception as error:
    print("nvidia-smi:", error)
from importlib.metadata import version, PackageNotFoundError
for package in ("numpy", "numba", "numba-cuda", "cupy-cuda13x", "cupy-cuda12x", "torch", "pytest", "hypothesis", "safetensors"):
    try:
        print(f"{package} {version(package)}")
    except PackageNotFoundError:
        print(f"{package}: not installed")
import numpy as np
had_row_stack = hasattr(np, "row_stack")
try:
    from minitorch.backends import cuda_device  # applies the numpy compatibility numba-cuda needs
    print("numpy.row_stack:", "present" if had_row_stack else "absent: minitorch's shim put it back" if hasattr(np, "row_stack") else "absent")
    from numba import cuda
    print("numba.cuda from", cuda.__file__, "available:", cuda.is_available())
    @cuda.jit
    def probe(a):
        i = cuda.grid(1)
        if i < a.size:
            a[i] = 2 * i
    values = np.zeros(64)
    start = time.perf_counter()
    probe[1, 64](values)
    print(f"numba kernel compiled and ran: {bool((values == 2 * np.arange(64)).all())} ({time.perf_counter() - start:.2f} s)")
except Exception as error:
    print("numba.cuda probe FAILED:", type(error).__name__, error)
try:
    import cupy
    print("cupy", cupy.__version__, "runtime", cupy.cuda.runtime.runtimeGetVersion(), "driver",
          cupy.cuda.runtime.driverGetVersion(), "devices", cupy.cuda.runtime.getDeviceCount())
    from minitorch import operators
    from minitorch.backends import cuda_array_ops
    start = time.perf_counter()
    x = cupy.arange(1000, dtype=cupy.float32) - 500
    out = cupy.empty_like(x)
    cuda_array_ops._flat(operators.relu, np.dtype(np.float32))((4,), (256,), (out, x, x, 1, 1, 1000))
    cuda_array_ops._strided(operators.sigmoid)(x, out)
    cupy.cuda.runtime.deviceSynchronize()
    print(f"cupy RawKernel + ElementwiseKernel compiled and ran: {bool(float(out[999]) > 0.99)} ({time.perf_counter() - start:.2f} s)")
except Exception as error:
    print("cupy probe FAILED:", type(error).__name__, error)
try:
    import torch
    print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(),
          torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
except Exception as error:
    print("torch probe FAILED:", error)
EOF

if [ -z "${SKIP_INSTALL:-}" ]; then  # SKIP_INSTALL=1: leave the Python's packages alone (PYTHONPATH only)
    part install 15 env.log bash -c "'$PY' -m pip install --no-deps --no-build-isolation -e . || echo 'pip install failed: using PYTHONPATH=$ROOT'"
fi

MINITORCH_GPU_CHECK=1 MINITORCH_TEST_TIMEOUT=$(( 30 * SCALE )) MINITORCH_GPU_CHECK_BUDGET=$(( 95 * SCALE )) \
    part tests 110 tests.log "$PY" -m pytest tests/cuda -p no:cacheprovider -rfE --tb=short --durations=15 -W ignore::DeprecationWarning

part bench 100 bench.log "$PY" bench/gpu/bench_gpu.py --mnist "$MNIST_DIR" --budget $(( 90 * SCALE )) ${BENCH_ARGS:-}

if [ -e "$MNIST_DIR/t10k-images-idx3-ubyte.gz" ] || [ -e "$MNIST_DIR/t10k-images-idx3-ubyte" ]; then
    RUN_DIR=$(mktemp -d)
    part train 25 train.log "$PY" -m minitorch train mnist --device cuda --epochs 1 --limit 2048 --data "$MNIST_DIR" --out "$RUN_DIR/run"
    [ -f "$RUN_DIR/run/metrics.json" ] && cat "$RUN_DIR/run/metrics.json" | tee -a "$OUT/train.log"
else
    log "part train: skipped (no MNIST t10k files in $MNIST_DIR)"
fi

{
    echo "== summary =="
    grep -E "^numpy.row_stack|compiled and ran|probe FAILED" "$OUT/env.log"
    sed -n '/GPU check: tests by group/,$p' "$OUT/tests.log" | grep -vE "^=+ *$"
    grep -E "^\| " "$OUT/bench.md" 2>/dev/null | grep -vE "^\|( ---|---)" | head -40
    grep -E "train_acc|Error|error" "$OUT/train.log" 2>/dev/null | tail -3
} | tee -a "$OUT/check.log"
log "done in $(( $(date +%s) - START )) s; files in $OUT:"
ls -la "$OUT" | tee -a "$OUT/check.log"
