#!/usr/bin/env bash
# Installs what the tests need from outside (Debian's age, minisign, faketime, sqlite3, chromium and
# poppler-utils, PyPI's bagit, check-jsonschema and python-docx, through their ordinary clients),
# then runs every check and test.
# CI runs exactly this through .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v age >/dev/null 2>&1 || need_apt+=(age)
command -v minisign >/dev/null 2>&1 || need_apt+=(minisign)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v zip >/dev/null 2>&1 || need_apt+=(zip)
command -v faketime >/dev/null 2>&1 || need_apt+=(faketime)
# The benchmarks' reference (and their smoke run below).
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
# The pages people print are printed by headless Chromium and read back with poppler's tools.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing from Debian: ${need_apt[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

need_pip=()
command -v check-jsonschema >/dev/null 2>&1 || need_pip+=(check-jsonschema)
command -v bagit.py >/dev/null 2>&1 || need_pip+=(bagit)
python3 -c "import docx" >/dev/null 2>&1 || need_pip+=(python-docx)
if [ ${#need_pip[@]} -gt 0 ]; then
  echo "== installing from PyPI: ${need_pip[*]}"
  python3 -m pip install --quiet --disable-pip-version-check "${need_pip[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages "${need_pip[@]}"
  hash -r
fi
for t in age minisign unzip zip faketime sqlite3 chromium pdftotext pdfinfo check-jsonschema bagit.py; do
  command -v "$t" >/dev/null 2>&1 || { echo "error: '$t' is still missing after install; the tests need it" >&2; exit 1; }
done
python3 -c "import docx" >/dev/null 2>&1 || { echo "error: python-docx is still missing after install; the tests need it" >&2; exit 1; }

# The build, tests and fuzz smoke runs use about 2.5 GB under target/ and fuzz/target/; on a fuller
# disk the linker dies with a bus error, so say why first.
free_mb=$(df -Pm . | awk 'NR == 2 {print $4}')
if [ "${free_mb:-0}" -lt 3000 ]; then
  echo "warning: only ${free_mb} MB free on this disk; the build and tests need about 2,500 MB (free some space if they fail)" >&2
fi
# A one-off build (CI) gains nothing from incremental caches, which only add to target/ (with them
# off and line-tables-only debug info, a clean run takes 2.4 GB, where it took 3.1 GB).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}; fi

echo "== format, lints, placeholders"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
if grep -rnE '\b(todo!|unimplemented!|dbg!)' src; then echo "error: placeholders in src/" >&2; exit 1; fi
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items --quiet

echo "== fixtures are what the seeded generator writes"
cargo run --quiet --example make-fixtures >/dev/null
git diff --exit-code --stat -- fixtures || { echo "error: fixtures/ differs from the generator's output" >&2; exit 1; }

echo "== tests"
cargo test --lib --bins --tests 2>&1 | tee target/test-output.txt
if grep -q "test result: FAILED" target/test-output.txt; then exit 1; fi
passed=$(grep -o '[0-9]* passed' target/test-output.txt | awk '{s+=$1} END {print s+0}')
failed=$(grep -o '[0-9]* failed' target/test-output.txt | awk '{s+=$1} END {print s+0}')

echo "== the same test binaries with the clock five years on (no test may depend on today's date)"
mapfile -t test_bins < <(cargo test --lib --bins --tests --no-run --message-format=json 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["executable"])')
[ ${#test_bins[@]} -ge 2 ] || { echo "error: found ${#test_bins[@]} test binaries to run again" >&2; exit 1; }
for b in "${test_bins[@]}"; do
  faketime -f "+1826d" "$b" --quiet > target/test-later.txt 2>&1 || { tail -n 40 target/test-later.txt; echo "error: $(basename "$b") fails five years on" >&2; exit 1; }
  echo "$(basename "$b"): $(grep -o 'test result: .*passed; [0-9]* failed' target/test-later.txt)"
done

echo "== bench smoke: the benchmark scripts still run (tiny sets, the test build; the figures mean nothing)"
for run in "import-fixtures.sh 1" "scale.sh 1 200 20" "campaign.sh 1 200" "redaction.sh 2 200" "bundle-2gib.sh"; do
  # shellcheck disable=SC2086
  BENCH_SMOKE=1 bash bench/$run > target/bench-smoke.txt 2>&1 \
    || { tail -n 30 target/bench-smoke.txt; echo "error: bench/$run stopped working" >&2; exit 1; }
  echo "bench/${run%% *}: ran"
done

echo "== fuzz smoke: each target for a few seconds (the long runs: fuzz/README.md)"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked --quiet cargo-fuzz
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none -O 2>&1 | tail -n 1
for t in own_csv export zip_stream bag signature key_file hostile_bag xlsx docx; do
  mkdir -p "target/fuzz-smoke/$t"
  cargo fuzz run -s none -O "$t" "target/fuzz-smoke/$t" "fuzz/corpus/$t" -- -max_total_time=5 -rss_limit_mb=2048 \
    > "target/fuzz-smoke/$t.log" 2>&1 || { tail -n 30 "target/fuzz-smoke/$t.log"; echo "error: fuzz target $t crashed" >&2; exit 1; }
  echo "fuzz $t: $(grep -o 'Done [0-9]* runs' "target/fuzz-smoke/$t.log" || echo 'ran')"
done
echo "fuzz smoke: 9 targets, no crash"
echo "== all tests"
echo "${passed} passed, ${failed} failed"
