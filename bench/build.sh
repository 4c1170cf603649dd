# Sourced by the bench scripts: the build they measure.
#
#   bench_build ROOT CARGO-TARGETS...   builds them; sets $out (ROOT/target/release, or
#                                       ROOT/target/debug with BENCH_SMOKE=1) and $H (the binary)
#
# BENCH_SMOKE=1 measures the test build: the test suite runs every script small that way, so that
# none can stop working unseen; its figures then mean nothing.
bench_build() {
  local root=$1 profile=release
  shift
  local build=(--release)
  if [ -n "${BENCH_SMOKE:-}" ]; then profile=debug; build=(); fi
  cargo build "${build[@]}" --quiet --manifest-path "$root/Cargo.toml" "$@"
  out=$root/target/$profile
  H=$out/handover
}
