#!/usr/bin/env bash
# The GPU check (issue 14), prepared to run once on a machine with an NVIDIA GPU whose Python
# already holds numba (+ numba-cuda), CuPy and a CUDA build of PyTorch; no package registry needed.
#
#   bash bench/gpu/check.sh            (from anywhere; it works in the repository root)
#
# Parts, each with its own time limit, each run even when an earlier one failed:
#   env      versions, numba.cuda / CuPy / torch.cuda probes                    -> env.log
#   install  pip install --no-deps -e . (PYTHONPATH=repo as well, either way; this REPLACES any
#            editable install of the package in that Python)                    -> env.log
#   tests    pytest tests/cuda on the device (kernels, course contract, registry) -> tests.log
#   bench    bench/gpu/bench_gpu.py: matmul, launch overhead, conv, train steps,
#            one MNIST t10k epoch, beside PyTorch CUDA                           -> bench.log, bench.md, bench.json
#   train    minitorch train mnist --device cuda --epochs 1 --limit 2048 (the CLI end to end) -> train.log
# Everything also goes to check.log with timestamps. Results: $OUT (default ./gpu-results), at
# most 8 files. MNIST: the t10k IDX files in $MNIST_DIR (default .gpu-data/mnist); without them
# the MNIST rows are skipped. Whole run: under 6 minutes (the limits below add up to 350 s).
# BENCH_ARGS=--quick checks the script itself with tiny sizes (e.g. NUMBA_ENABLE_CUDASIM=1 without a GPU;
# then also SKIP_INSTALL=1, to keep that machine's editable install where it points).

set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/gpu-results}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1
export MNIST_DIR=${MNIST_DIR:-$ROOT/.gpu-data/mnist}
export PYTHONPATH=$ROOT${PYTHONPATH:+:$PYTHONPATH}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INDEX=1
START=$(date +%s)

log() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - START ))s] $*" | tee -a "$OUT/check.log"; }

part() {  # part NAME SECONDS LOGFILE COMMAND...: run with a time limit, tee into LOGFILE and check.log
    local name=$1 limit=$2 file=$3
    shift 3
    log "part $name: start (limit ${limit} s)"
    timeout --kill-after=5 "$limit" "$@" 2>&1 | tee -a "$OUT/$file" "$OUT/check.log"
    local rc=${PIPESTATUS[0]}
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then log "part $name: TIMED OUT after ${limit} s"; else log "part $name: exit $rc"; fi
}

log "GPU check in $ROOT, results in $OUT, python $PY, MNIST from $MNIST_DIR"

part env 15 env.log "$PY" - <<'EOF'
import importlib, platform, subprocess, sys
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
try:
    from numba import cuda
    print("numba.cuda from", cuda.__file__, "available:", cuda.is_available())
    cuda.detect()
    @cuda.jit
    def probe(a):
        i = cuda.grid(1)
        if i < a.size:
            a[i] = 2 * i
    import numpy as np
    values = np.zeros(64)
    probe[1, 64](values)
    print("numba kernel compiled and ran:", bool((values == 2 * np.arange(64)).all()))
except Exception as error:
    print("numba.cuda probe FAILED:", type(error).__name__, error)
try:
    import cupy
    print("cupy", cupy.__version__, "runtime", cupy.cuda.runtime.runtimeGetVersion(), "driver",
          cupy.cuda.runtime.driverGetVersion(), "devices", cupy.cuda.runtime.getDeviceCount())
    x = cupy.arange(10, dtype=cupy.float32)
    print("cupy elementwise ok:", float(cupy.exp(x).sum()) > 0)
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
    part install 25 env.log bash -c "'$PY' -m pip install --no-deps --no-build-isolation -e . || echo 'pip install failed: using PYTHONPATH=$ROOT'"
fi

part tests 150 tests.log "$PY" -m pytest tests/cuda -p no:cacheprovider -rfE --durations=15

part bench 125 bench.log "$PY" bench/gpu/bench_gpu.py --mnist "$MNIST_DIR" ${BENCH_ARGS:-}

if [ -e "$MNIST_DIR/t10k-images-idx3-ubyte.gz" ] || [ -e "$MNIST_DIR/t10k-images-idx3-ubyte" ]; then
    RUN_DIR=$(mktemp -d)
    part train 35 train.log "$PY" -m minitorch train mnist --device cuda --epochs 1 --limit 2048 --data "$MNIST_DIR" --out "$RUN_DIR/run"
    [ -f "$RUN_DIR/run/metrics.json" ] && cat "$RUN_DIR/run/metrics.json" | tee -a "$OUT/train.log"
else
    log "part train: skipped (no MNIST t10k files in $MNIST_DIR)"
fi

log "done in $(( $(date +%s) - START )) s; files in $OUT:"
ls -la "$OUT" | tee -a "$OUT/check.log"
