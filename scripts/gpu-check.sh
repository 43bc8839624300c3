#!/usr/bin/env bash
# The CUDA checks that need a GPU, for a machine that has one: builds the CUDA kernels (PTX and
# cubins for sm_80 and sm_90), runs every CUDA test including the conformance suites of all 14
# kernel families on the GPU, runs the CUDA JMH benchmarks, and prints a table of both.
#
#   scripts/gpu-check.sh [--device N] [--no-bench] [--quick]
#
# Exits 0 when every CUDA test passed; 1 when a test failed or a step broke; 2 when this machine
# has no usable GPU (the reason is printed: on the project's build machines that is the answer).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/target/gpu-check"
DEVICE=0
BENCH=1
JMH_OPTS=(-wi 3 -i 5 -w 1s -r 1s)

while (($#)); do
  case "$1" in
    --device) DEVICE=$2; shift 2 ;;
    --no-bench) BENCH=0; shift ;;
    --quick) JMH_OPTS=(-wi 1 -i 2 -w 500ms -r 500ms); shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
done

say() {
  echo "gpu-check: $*" >&2
}

no_gpu() {
  say "no GPU here: $*"
  exit 2
}

# Why there is no usable NVIDIA GPU, or nothing when there seems to be one.
gpu_problem() {
  local found=""
  if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; then
    found=yes
  else
    local dir
    IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
    for dir in "${dirs[@]}" /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib/wsl/lib; do
      [[ -n "$dir" && -e "$dir/libcuda.so.1" ]] && found=yes
    done
  fi
  if [[ -z "$found" ]]; then
    echo "no libcuda.so.1 (the NVIDIA driver is not installed, or not on the library path)"
    return
  fi
  if command -v nvidia-smi >/dev/null; then
    local gpus
    gpus=$(nvidia-smi -L 2>&1 | grep -c '^GPU ' || true)
    if ((gpus == 0)); then
      echo "nvidia-smi lists no GPU: $(nvidia-smi -L 2>&1 | head -1)"
    elif ((DEVICE >= gpus)); then
      echo "--device $DEVICE asked for, but nvidia-smi lists $gpus GPU(s)"
    fi
  fi
}

find_jdk() {
  local home major
  for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [[ -n "$home" && -r "$home/release" ]] || continue
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
    if [[ -n "$major" ]] && ((major >= 25)); then
      JDK=$home
      return
    fi
  done
  say "no JDK 25 or newer (set JAVA_HOME)"
  exit 1
}

problem=$(gpu_problem)
[[ -z "$problem" ]] || no_gpu "$problem"
find_jdk
export JAVA_HOME=$JDK
command -v mvn >/dev/null || { say "Maven (mvn) is not on the PATH"; exit 1; }
mkdir -p "$OUT"

# 1. Kernels. Without nvcc the backend falls back to NVRTC, which then must be installed.
KERNELS="$OUT/native/cuda"
if command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc || -n "${CUDA_HOME:-}" ]]; then
  say "building the CUDA kernels into $KERNELS"
  cmake -S "$ROOT/kernels-native/src/cuda" -B "$OUT/cmake" -DHARMONICS_NATIVE_OUT="$OUT/native" \
    >"$OUT/cmake.log" 2>&1 && cmake --build "$OUT/cmake" -j "$(nproc)" >>"$OUT/cmake.log" 2>&1 ||
    { say "the CUDA kernel build failed; see $OUT/cmake.log"; exit 1; }
else
  say "no nvcc: kernels will be compiled at run time by NVRTC from the sources"
  mkdir -p "$KERNELS"
  cp "$ROOT"/kernels-native/src/cuda/*.cu "$ROOT"/kernels-native/src/cuda/*.cuh "$KERNELS/"
fi

# 2. Every CUDA test, with the conformance suites running on the GPU.
PROPS=(-Dharmonics.cuda.kernels="$KERNELS" -Dharmonics.cuda.device="$DEVICE")
say "running the CUDA tests (log: $OUT/test.log)"
status=0
mvn -B -ntp -f "$ROOT/pom.xml" -pl ffi-bindings -am test "${PROPS[@]}" \
  -Dtest='dev/harmonics/backend/cuda/**,dev/harmonics/ffi/cuda/*' \
  -Dsurefire.failIfNoSpecifiedTests=false >"$OUT/test.log" 2>&1 || status=1

REPORTS="$ROOT/ffi-bindings/target/surefire-reports"
attr() {
  sed -n "s/.*<testsuite [^>]*$1=\"\([^\"]*\)\".*/\1/p" "$2" | head -1
}
printf '\n%-58s %6s %6s %6s %7s\n' "CUDA test class" tests passed failed skipped
total=0; skipped_all=0; failed_all=0
for xml in "$REPORTS"/TEST-dev.harmonics.backend.cuda.*.xml \
  "$REPORTS"/TEST-dev.harmonics.ffi.cuda.*.xml; do
  [[ -e "$xml" ]] || continue
  name=$(attr name "$xml"); tests=$(attr tests "$xml"); skipped=$(attr skipped "$xml")
  failed=$(($(attr failures "$xml") + $(attr errors "$xml")))
  printf '%-58s %6d %6d %6d %7d\n' "${name#dev.harmonics.}" "$tests" \
    $((tests - failed - skipped)) "$failed" "$skipped"
  total=$((total + tests))
  skipped_all=$((skipped_all + skipped))
  failed_all=$((failed_all + failed))
done
printf '%-58s %6d %6d %6d %7d\n\n' total "$total" $((total - failed_all - skipped_all)) \
  "$failed_all" "$skipped_all"
((total > 0)) || { say "no test reports; see $OUT/test.log"; exit 1; }
conformance=$(cat "$REPORTS"/TEST-dev.harmonics.backend.cuda.conformance.*.xml 2>/dev/null |
  grep -o 'message="no CUDA device to test on: [^"]*"' | head -1 || true)
conformance=${conformance#message=\"no CUDA device to test on: }
conformance=$(sed "s/&apos;/'/g; s/&quot;/\"/g; s/&amp;/\&/g; s/\"\$//" <<<"$conformance")
[[ -z "$conformance" ]] || no_gpu "the JVM cannot use it: $conformance"
((status == 0)) || say "some CUDA tests failed; see $OUT/test.log and $REPORTS"

# 3. The CUDA benchmarks, with SIMD Java beside them, through the launcher's table.
if ((BENCH)); then
  say "running the CUDA benchmarks (JSON: $OUT/jmh.json)"
  HARMONICS_JAVA_OPTS="${HARMONICS_JAVA_OPTS:-} ${PROPS[*]}" "$ROOT/harmonics" bench \
    --include 'dev\.harmonics\.bench\.cuda\.' --json "$OUT/jmh.json" -- "${JMH_OPTS[@]}" ||
    { say "the benchmarks failed"; status=1; }
fi
exit "$status"
