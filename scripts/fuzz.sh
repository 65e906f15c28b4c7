#!/usr/bin/env bash
# Builds every fuzz target and runs each for a bounded time, then prints executions per target.
#
#   scripts/fuzz.sh [seconds-per-target] [target...]     (default: 60 s, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). The toolchain is stable, so cargo-fuzz's nightly
# flags are allowed with RUSTC_BOOTSTRAP=1. The committed seeds in fuzz/corpus/<target>/ are only
# read; what libFuzzer learns goes to a scratch folder (FUZZ_WORK, default a temporary folder).
# A crash leaves its input in fuzz/artifacts/<target>/ and makes this script exit non-zero.
# FUZZ_SANITIZER=address builds with AddressSanitizer (slower; the code is safe Rust, so the
# default is none, which still catches every panic, overflow and out-of-bounds index).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(vivantio_response date html mapping_file config_file)
fi
sanitizer="${FUZZ_SANITIZER:-none}"
work="${FUZZ_WORK:-$(mktemp -d)}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "error: cargo-fuzz is missing; install it with: cargo install cargo-fuzz" >&2
  exit 2
fi

# Debug assertions on: integer overflow is a finding too.
for target in "${targets[@]}"; do
  cargo fuzz build --fuzz-dir fuzz --sanitizer "$sanitizer" --debug-assertions "$target"
done

failed=0
summary=()
for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  log="$work/$target.log"
  echo "== $target: ${seconds}s (log: $log)"
  status=0
  cargo fuzz run --fuzz-dir fuzz --sanitizer "$sanitizer" --debug-assertions "$target" \
    "$work/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  if [ "$status" -ne 0 ]; then
    failed=1
    echo "   CRASH (exit $status); input in fuzz/artifacts/$target/; last lines:"
    tail -n 30 "$log" | sed 's/^/   | /'
    summary+=("$target: CRASH after ${executions:-?} executions")
  else
    summary+=("$target: ${executions:-?} executions in ${seconds}s, coverage ${coverage:-?}")
  fi
done

echo
echo "fuzz summary:"
printf '  %s\n' "${summary[@]}"
exit "$failed"
