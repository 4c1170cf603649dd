#!/usr/bin/env bash
# bundle create / verify / import on a 2 GiB document set, against Debian's age on the same bytes.
#
#   bash bench/bundle-2gib.sh [RUNS]      (default 3 runs each; the median is reported)
#
# The set (synthetic, made here, seeded): six 320 MiB already-compressed files (random bytes named
# .mp4 and .pdf, stored in the zip) and 24 text files of 5 MiB (CSV-like lines, deflated), about
# 2.0 GiB in all, added to the demo register (classification "none") and approved for handover.
# Compared in the same run, on the same disk, with the files in the page cache:
#   create  vs  cat FILES | age -r R -o OUT          (the same plaintext bytes, encrypted to a file)
#           vs  cat FILES | age-crate encrypt R OUT  (the age crate alone: examples/age-crate.rs)
#   verify  vs  age -d -i ID -o /dev/null BUNDLE      (decrypting the same bundle)
#           vs  age-crate decrypt ID BUNDLE
# and the peak RSS (/usr/bin/time %M) of create, verify and import.
#
# BENCH_SMOKE=1: the same steps on a 2 MiB set with the test build, once (bench/build.sh).
set -euo pipefail
RUNS=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${BENCH_SMOKE:-}" ]; then
  RUNS=1; export BIG_MIB=0 TEXT_KIB=64
  work=${BENCH_DIR:-$here/target/bench-2gib-smoke}
else
  export BIG_MIB=320 TEXT_KIB=5120
  work=${BENCH_DIR:-$here/target/bench-2gib}
fi
. "$here/bench/build.sh"
bench_build "$here" --bin handover --example age-crate
A=$out/examples/age-crate
rm -rf "$work" && mkdir -p "$work/docs"
# About 10 GB by the end: removed on exit unless BENCH_KEEP=1.
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
cd "$work"

python3 - <<'EOF'
import os, random
random.seed(2026)
for i in range(6):
    name = f"docs/recording-{i}.mp4" if i % 2 == 0 else f"docs/scan-{i}.pdf"
    with open(name, "wb") as f:
        for _ in range(int(os.environ["BIG_MIB"])):
            f.write(random.randbytes(1 << 20))
        if os.environ["BIG_MIB"] == "0":
            f.write(random.randbytes(100 << 10))
words = "hub meeting minutes action carers network session autism support agenda review notes".split()
for i in range(24):
    with open(f"docs/notes-{i:02}.csv", "w") as f:
        n = 0
        while n < int(os.environ["TEXT_KIB"]) << 10:
            line = f"{random.randrange(10**6)},{' '.join(random.choices(words, k=8))},{random.randrange(2020, 2027)}-{random.randrange(1, 13):02}\n"
            f.write(line)
            n += len(line)
EOF
total=$(du -cb docs/* | tail -1 | cut -f1)

$H demo --out demo --quiet >/dev/null
R="--register demo/handover.db"
$H $R document add --classification none --category other docs/* --quiet >/dev/null
# A video or PDF the tool cannot search goes once someone has read it and recorded so.
for id in $($H $R document list --json | python3 -c 'import json,sys; print(" ".join(d["id"] for d in json.load(sys.stdin)["data"] if d["format"] in ("video","pdf","image","pptx","other")))'); do
  $H $R document review "$id" --decision include --reviewer bench --note "synthetic file, read" --quiet >/dev/null
done
$H keys new --out group --name group --unprotected --quiet >/dev/null
recipient=$(cat group/group-age.pub | grep '^age1')

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { # label, command...: prints "seconds maxrss_kb"
  /usr/bin/time -f "%e %M" -o t.out "$@" >/dev/null 2>t.err || { echo "failed: $*" >&2; cat t.err t.out >&2; exit 1; }
  cat t.out
}

declare -A T M
for i in $(seq "$RUNS"); do
  rm -rf out age.out && mkdir out
  # One approval makes one bundle: the data protection lead approves each run's.
  $H $R transfer approve --to kscop-steering-group --sign-key demo/keys/dp-lead-minisign.key --quiet >/dev/null
  read -r t m < <(timed $H $R bundle create --to kscop-steering-group --recipient group/group-age.pub \
    --sign-key demo/keys/facilitator-minisign.key --identity demo/keys/facilitator-age.key --out out --quiet)
  T[create]+="$t "; M[create]=$m
  read -r t m < <(timed sh -c "cat docs/* | age -r $recipient -o age.out")
  T[age_r]+="$t "
  read -r t m < <(timed sh -c "cat docs/* | $A encrypt $recipient crate.out")
  T[crate_enc]+="$t "
  b=$(ls out/*.zip.age)
  read -r t m < <(timed $H bundle verify "$b" --identity group/group-age.key --signer demo/keys/facilitator-minisign.pub \
    --approver demo/keys/dp-lead-minisign.pub --quiet)
  T[verify]+="$t "; M[verify]=$m
  read -r t m < <(timed age -d -i group/group-age.key -o /dev/null "$b")
  T[age_d]+="$t "
  read -r t m < <(timed $A decrypt group/group-age.key "$b")
  T[crate_dec]+="$t "
  rm -rf recv && mkdir recv
  read -r t m < <(timed $H bundle import "$b" --identity group/group-age.key --signer demo/keys/facilitator-minisign.pub \
    --approver demo/keys/dp-lead-minisign.pub --into recv/group.db --custodian group/group-age.pub --sign-key group/group-minisign.key --quiet)
  T[import]+="$t "; M[import]=$m
done
m() { echo "${T[$1]}" | tr ' ' '\n' | grep . | median; }
printf 'document set: %s bytes (%.2f GiB), %s runs, medians\n' "$total" "$(echo "$total / 1073741824" | bc -l)" "$RUNS"
printf '%-8s %8s %10s\n' step seconds peak_MiB
for k in create age_r crate_enc verify age_d crate_dec import; do
  rss=${M[$k]:-}
  printf '%-8s %8s %10s\n' "$k" "$(m $k)" "${rss:+$((rss / 1024))}"
done
# A smoke run's times are too small to divide.
[ -n "${BENCH_SMOKE:-}" ] && exit 0
echo "create / age -r: $(echo "$(m create) / $(m age_r)" | bc -l | cut -c1-4)x   create / age crate: $(echo "$(m create) / $(m crate_enc)" | bc -l | cut -c1-4)x"
echo "verify / age -d: $(echo "$(m verify) / $(m age_d)" | bc -l | cut -c1-4)x   verify / age crate: $(echo "$(m verify) / $(m crate_dec)" | bc -l | cut -c1-4)x"
