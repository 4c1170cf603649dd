#!/usr/bin/env bash
# Fault injection: kill -9 at random points during import, consent record, erase, bundle create and
# bundle import, and a full disk during import and bundle create (and at each step of bundle
# import and bundle create, on disks from 4% to 104% of what they need). After every run: the register
# opens, `audit verify` passes, SQLite's integrity check passes, no file is left under a final name
# unless it is complete, and no record is half-written.
#
#   bash bench/fault-inject.sh [RUNS]      (default 200 runs of each kill scenario)
#
# The disk-full cases mount a small tmpfs, so they need root (they are skipped with a loud line
# otherwise, and the summary says so).
set -euo pipefail
RUNS=${1:-200}
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
H=$here/target/release/handover
FX=$here/fixtures
work=${FAULT_DIR:-$here/target/fault-inject}
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# Removed on exit unless BENCH_KEEP=1 (and the small tmpfs, if mounted, unmounted first).
cleanup() { umount "$work/full-disk" 2>/dev/null || true; cd "$here"; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
export HANDOVER_ACTOR=fault

fail() { echo "FAULT-INJECTION FAILURE: $*" >&2; exit 1; }
ok_register() { # register: opens, audit verifies, integrity check passes
  $H --register "$1" audit verify --quiet >/dev/null || fail "$2: audit verify failed on $1"
  [ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ] || fail "$2: integrity_check failed on $1"
}
rand_ms() { echo $(( RANDOM % $1 )); }
kill_after() { # ms, command...: run it, kill -9 after ms (or let it finish)
  local ms=$1; shift
  "$@" >/dev/null 2>&1 & local pid=$!
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
}
base() { # a register with the fixture texts (what the imports need first)
  $H --register "$1" init --community C --controller "Brightwater Trust" --quiet
  $H --register "$1" controller add --name "KSCoP Steering Group" --kind unincorporated_association --quiet
  tail -n +2 "$FX/texts/index.csv" | while IFS=, read -r kind version purpose format eff announces file controllers; do
    if [ "$kind" = statement ]; then
      $H --register "$1" statement add --version "$version" --purpose "$purpose" --format "$format" --file "$FX/$file" --effective-from "$eff" --controllers "$controllers" --quiet
    else
      $H --register "$1" notice add --version "$version" --format "$format" --file "$FX/$file" --effective-from "$eff" --quiet
    fi
  done
}
declare -A N

# 1. person import + consent import, killed: each import is all or nothing.
base template.db
cp template.db people-done.db && $H --register people-done.db person import "$FX/people.csv" --quiet
people_rows=$(( $(wc -l < "$FX/people.csv") - 1 ))
t0=$(date +%s%N); cp people-done.db t.db; $H --register t.db consent import "$FX/consent.csv" --quiet; t1=$(date +%s%N)
consent_ms=$(( (t1 - t0) / 1000000 + 20 ))
consent_full=$(sqlite3 t.db "SELECT COUNT(*) FROM consent_events")
for i in $(seq "$RUNS"); do
  cp template.db r.db; rm -f r.db-wal r.db-shm
  kill_after "$(rand_ms 400)" $H --register r.db person import "$FX/people.csv"
  ok_register r.db "person import run $i"
  n=$(sqlite3 r.db "SELECT COUNT(*) FROM people")
  [ "$n" = 0 ] || [ "$n" = "$people_rows" ] || fail "person import run $i: $n of $people_rows people (half-written)"
  cp people-done.db c.db; rm -f c.db-wal c.db-shm
  kill_after "$(rand_ms "$consent_ms")" $H --register c.db consent import "$FX/consent.csv"
  ok_register c.db "consent import run $i"
  n=$(sqlite3 c.db "SELECT COUNT(*) FROM consent_events")
  [ "$n" = 0 ] || [ "$n" = "$consent_full" ] || fail "consent import run $i: $n of $consent_full events (half-written)"
done
N[import]=$RUNS

# 2. consent record and erase, killed: one event and its audit entry, or neither; an erasure whole or not at all.
cp t.db full.db
for i in $(seq "$RUNS"); do
  cp full.db e.db; rm -f e.db-wal e.db-shm
  before=$(sqlite3 e.db "SELECT COUNT(*) FROM consent_events")
  kill_after "$(rand_ms 60)" $H --register e.db consent record --person M0010 --purpose photos_video \
    --controllers brightwater-trust --channels email --at 2026-11-20T10:00:00Z --recorded-by fault \
    --method paper_form --evidence-ref "form $i" --statement-version PV-2019 --notice-version PN-2025 \
    --told-can-withdraw yes --special-categories health
  ok_register e.db "consent record run $i"
  after=$(sqlite3 e.db "SELECT COUNT(*) FROM consent_events")
  [ $(( after - before )) -le 1 ] || fail "consent record run $i: $((after - before)) events"
  # By id: an erasure replaces the reference too.
  pid=$(sqlite3 e.db "SELECT id FROM people WHERE ref='M0011'")
  kill_after "$(rand_ms 60)" $H --register e.db person erase M0011 --reason "asked, run $i"
  ok_register e.db "erase run $i"
  state=$(sqlite3 e.db "SELECT (SELECT name IS NULL AND email IS NULL FROM people WHERE id='$pid') || (SELECT COUNT(*) FROM tombstones WHERE person_id='$pid')")
  [ "$state" = 00 ] || [ "$state" = 11 ] || fail "erase run $i: half an erasure ($state)"
done
N[record_erase]=$RUNS

# 3. bundle create and bundle import, killed.
$H demo --out demo --quiet >/dev/null
R="--register demo/handover.db"
head -c $((24 << 20)) /dev/urandom > big.mp4
$H $R document add --classification none big.mp4 --quiet >/dev/null
# A video or PDF the tool cannot search goes once someone has read it and recorded so.
for id in $($H $R document list --json | python3 -c 'import json,sys; print(" ".join(d["id"] for d in json.load(sys.stdin)["data"] if d["format"] in ("video","pdf","image","pptx","other")))'); do
  $H $R document review "$id" --decision include --reviewer bench --note "synthetic file, read" --quiet >/dev/null
done
# One approval makes one bundle: each create is approved first (a killed create that published
# nothing leaves its approval unused; approving again replaces it).
approve() { $H $R transfer approve --to kscop-steering-group --sign-key demo/keys/dp-lead-minisign.key --quiet >/dev/null; }
$H keys new --out group --name group --unprotected --quiet >/dev/null
# An array, not a function: kill -9 must reach handover itself, not a subshell around it.
CREATE=($H $R bundle create --to kscop-steering-group --recipient group/group-age.pub
  --sign-key demo/keys/facilitator-minisign.key --identity demo/keys/facilitator-age.key --out)
create() { approve && "${CREATE[@]}" "$1"; }
t0=$(date +%s%N); create full >/dev/null; t1=$(date +%s%N); create_ms=$(( (t1 - t0) / 1000000 ))
B=$(ls full/*.zip.age)
published=0
for i in $(seq "$RUNS"); do
  rm -rf out
  approve
  kill_after "$(rand_ms $(( create_ms + create_ms / 4 )))" "${CREATE[@]}" out
  ok_register demo/handover.db "bundle create run $i"
  for f in out/* out/.*; do
    [ -f "$f" ] || continue
    head -c 4 "$f" | grep -q 'PK' && fail "bundle create run $i: plaintext zip in $f"
  done
  if ls out/*.zip.age >/dev/null 2>&1; then
    published=$((published + 1))
    b=$(ls out/*.zip.age)
    $H bundle verify "$b" --identity group/group-age.key --signer demo/keys/facilitator-minisign.pub \
      --approver demo/keys/dp-lead-minisign.pub --quiet \
      || fail "bundle create run $i: a published bundle does not verify"
    sha=$(sha256sum "$b" | cut -d' ' -f1)
    [ "$(sqlite3 demo/handover.db "SELECT COUNT(*) FROM transfers WHERE ciphertext_sha256 = '$sha'")" = 1 ] \
      || fail "bundle create run $i: a published bundle the register does not know"
  fi
done
N[bundle_create]=$RUNS
t0=$(date +%s%N); $H bundle import "$B" --identity group/group-age.key --signer demo/keys/facilitator-minisign.pub \
  --approver demo/keys/dp-lead-minisign.pub --into g-full/r.db --custodian group/group-age.pub --sign-key group/group-minisign.key --quiet; t1=$(date +%s%N)
import_ms=$(( (t1 - t0) / 1000000 ))
imported=0
for i in $(seq "$RUNS"); do
  rm -rf g
  kill_after "$(rand_ms $(( import_ms + import_ms / 4 )))" $H bundle import "$B" --identity group/group-age.key \
    --signer demo/keys/facilitator-minisign.pub --approver demo/keys/dp-lead-minisign.pub --into g/r.db --custodian group/group-age.pub --sign-key group/group-minisign.key
  if [ -f g/r.db ]; then
    imported=$((imported + 1))
    ok_register g/r.db "bundle import run $i"
    [ "$(sqlite3 g/r.db "SELECT COUNT(*) FROM tasks WHERE kind='art14_notice'")" = 1 ] || fail "bundle import run $i: incomplete register"
  fi
done
N[bundle_import]=$RUNS

# 4. A full disk: a clear error, nothing lost.
disk="skipped (not root)"
if [ "$(id -u)" = 0 ]; then
  mkdir -p full-disk && mount -t tmpfs -o size=3m tmpfs full-disk
  cp template.db full-disk/r.db
  before=$(sqlite3 full-disk/r.db "SELECT COUNT(*) FROM audit_log")
  head -c $((3 << 20)) /dev/zero > full-disk/filler 2>/dev/null || true
  if $H --register full-disk/r.db person import "$FX/people.csv" 2> disk-err.txt >/dev/null; then fail "import on a full disk succeeded"; fi
  grep -q "^error: " disk-err.txt || fail "no clear error on a full disk: $(cat disk-err.txt)"
  rm -f full-disk/filler
  [ "$(sqlite3 full-disk/r.db "SELECT COUNT(*) FROM audit_log")" = "$before" ] || fail "the full-disk import changed the register"
  ok_register full-disk/r.db "full disk import"
  rm -rf full-disk/out
  head -c $((2 << 20)) /dev/zero > full-disk/filler2 2>/dev/null || true
  transfers=$(sqlite3 demo/handover.db "SELECT COUNT(*) FROM transfers")
  if create full-disk/out 2> disk-err2.txt >/dev/null; then fail "bundle create on a full disk succeeded"; fi
  grep -q "^error: " disk-err2.txt || fail "no clear error for bundle create on a full disk: $(cat disk-err2.txt)"
  [ "$(sqlite3 demo/handover.db "SELECT COUNT(*) FROM transfers")" = "$transfers" ] || fail "a failed bundle was recorded"
  ls full-disk/out/*.zip.age >/dev/null 2>&1 && fail "a partial bundle under its final name"
  disk="passed: $(head -1 disk-err.txt | cut -c1-100) / $(head -1 disk-err2.txt | cut -c1-100)"
  umount full-disk
  # ENOSPC at each step: bundle import onto disks from 4% to 204% of the size of what it leaves
  # (it needs room for its temporary copy too) and bundle create from 4% to 104% of what they
  # need, so the disk fills during extraction, the register, the receipt, or the rename. Each run
  # completes whole or fails with exit 2 leaving nothing: no register, documents, receipt or
  # temporary file; for create, no bundle file and no transfer recorded.
  need_import=$(du -sk g-full | cut -f1)
  need_create=$(du -sk full | cut -f1)
  steps=${ENOSPC_STEPS:-26}
  enospc_import=0; enospc_import_done=0; enospc_create=0; enospc_create_done=0
  for i in $(seq 0 $((steps - 1))); do
    kb=$(( need_import * (4 + i * 200 / (steps - 1)) / 100 + 4 ))
    mkdir -p full-disk && mount -t tmpfs -o "size=${kb}k" tmpfs full-disk
    set +e
    $H bundle import "$B" --identity group/group-age.key --signer demo/keys/facilitator-minisign.pub \
      --approver demo/keys/dp-lead-minisign.pub --into full-disk/g/r.db --custodian group/group-age.pub --sign-key group/group-minisign.key --quiet 2> enospc.txt
    code=$?
    set -e
    if [ "$code" = 0 ]; then
      enospc_import_done=$((enospc_import_done + 1))
      ok_register full-disk/g/r.db "bundle import on a ${kb} KiB disk"
    else
      [ "$code" = 2 ] || fail "bundle import on a ${kb} KiB disk: exit $code: $(cat enospc.txt)"
      left=$(find full-disk -mindepth 1 | head -5)
      [ -z "$left" ] || fail "bundle import on a ${kb} KiB disk left: $left"
    fi
    enospc_import=$((enospc_import + 1))
    umount full-disk
    kb=$(( need_create * (4 + i * 100 / (steps - 1)) / 100 + 4 ))
    mount -t tmpfs -o "size=${kb}k" tmpfs full-disk
    transfers=$(sqlite3 demo/handover.db "SELECT COUNT(*) FROM transfers")
    set +e
    create full-disk/out > /dev/null 2> enospc.txt
    code=$?
    set -e
    if [ "$code" = 0 ]; then
      enospc_create_done=$((enospc_create_done + 1))
      $H bundle verify full-disk/out/*.zip.age --identity group/group-age.key --signer demo/keys/facilitator-minisign.pub --quiet \
        || fail "bundle create on a ${kb} KiB disk: the bundle does not verify"
    else
      [ "$code" = 2 ] || fail "bundle create on a ${kb} KiB disk: exit $code: $(cat enospc.txt)"
      [ "$(sqlite3 demo/handover.db "SELECT COUNT(*) FROM transfers")" = "$transfers" ] || fail "bundle create on a ${kb} KiB disk: a failed bundle was recorded"
      left=$(find full-disk -mindepth 1 -type f | head -5)
      [ -z "$left" ] || fail "bundle create on a ${kb} KiB disk left: $left"
    fi
    enospc_create=$((enospc_create + 1))
    ok_register demo/handover.db "bundle create on a ${kb} KiB disk"
    umount full-disk
  done
  disk="$disk; ENOSPC at each step: bundle import on $enospc_import disk sizes ($enospc_import_done completed, the rest refused with exit 2 leaving nothing), bundle create on $enospc_create ($enospc_create_done completed, the rest refused with nothing recorded or left)"
fi
echo "kill -9 runs: import ${N[import]} (person + consent each), consent record + erase ${N[record_erase]} each, bundle create ${N[bundle_create]} ($published had published), bundle import ${N[bundle_import]} ($imported had finished): all passed"
echo "disk full: $disk"
