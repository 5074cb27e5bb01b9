#!/usr/bin/env bash
# Issue 15 (request filters), performance: what the filter work costs the proxy, measured side by side in one run.
#   1. The console host of this checkout and of BASELINE (default 1b13834, the commit before the first filter commit),
#      each published in Release into a temporary directory (never into the repository), then
#      `kafkaproxy-load compare`: one test cluster, three proxy processes (this build, the baseline build, this build
#      with the policy filter on), every scenario through each in interleaved rounds; the proxy's CPU and bytes
#      allocated per request over each run's steady window, medians of the rounds and ratios.
#   2. The same end-to-end comparison again, shorter, counting each proxy's system calls per request (perf stat on the
#      syscall tracepoints; needs perf): apart from 1, because counting adds kernel time to every call.
#   3. In-process (BenchmarkDotNet): the policy filter's per-Produce work (PolicyFilterBenchmarks) and what the filter
#      work added to a pass-through request with no filter (FilterPassThroughBenchmarks).
# Results: bench/results/raw/filters/compare.md, syscalls/compare.md and micro.md (git-ignored); the figures quoted
# in bench/results/filters.md come from them. About 10 minutes on 2 cores.
#   bench/filters.sh                          ROUNDS=7, SYSCALL_ROUNDS=2, BASELINE=1b13834, MICRO_JOB=short,
#                                             SCENARIOS=produce-100B-batch1,latency-ApiVersions
#   SKIP_MICRO=1 SYSCALL_ROUNDS=0 bench/filters.sh   only the end-to-end CPU and allocation comparison
#   bench/filters.sh --duration 3             any flag goes to kafkaproxy-load compare (kafkaproxy-load --help)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
baseline=$(git rev-parse --verify "${BASELINE:-1b13834}^{commit}")
rounds=${ROUNDS:-7}
out="$root/bench/results/raw/filters"
work="${TMPDIR:-/tmp}/kafkaproxy-bench-filters"
policy="policy=--policy-require-acks all --policy-allowed-compression none,lz4"
mkdir -p "$out" "$work"
started=$(date +%s)

echo "== publish kafka-proxy (Release): this checkout and ${baseline:0:7}"
# Both the same way: framework-dependent, Release, run by the same runtime. The baseline is built from `git archive`
# of its commit, so nothing of this checkout (or its bin and obj) takes part.
if [[ ! -x "$work/baseline-$baseline/kafka-proxy" ]]; then
  rm -rf "$work/baseline-src" "$work/baseline-$baseline"
  mkdir -p "$work/baseline-src"
  git archive "$baseline" | tar -x -C "$work/baseline-src"
  (cd "$work/baseline-src" && dotnet publish samples/KafkaProxy.ConsoleHost -c Release -nologo -v quiet -o "$work/baseline-$baseline")
fi
rm -rf "$work/current"
dotnet publish samples/KafkaProxy.ConsoleHost -c Release -nologo -v quiet -o "$work/current"

echo "== build the load program and the micro-benchmarks (Release)"
dotnet build bench/KafkaProxy.Load -c Release -nologo -v quiet
[[ "${SKIP_MICRO:-}" == 1 ]] || dotnet build bench/KafkaProxy.Benchmarks -c Release -nologo -v quiet

revision=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src samples bench/KafkaProxy.Load || revision="$revision+changes"
export BENCH_REVISION="$revision vs baseline ${baseline:0:7}"
compare() {
  bench/KafkaProxy.Load/bin/Release/net10.0/kafkaproxy-load compare \
    --proxy "$work/current/kafka-proxy" --baseline-proxy "$work/baseline-$baseline/kafka-proxy" --variant "$policy" \
    --scenarios "${SCENARIOS:-produce-100B-batch1,latency-ApiVersions}" "$@"
}

echo "== end to end: this build, ${baseline:0:7}, this build with the policy filter; $rounds interleaved rounds"
compare --rounds "$rounds" --output "$out" --command "bench/filters.sh${*:+ $*}" "$@" | tee "$out/compare.log"

if [[ "${SYSCALL_ROUNDS:-2}" != 0 ]]; then
  # Apart from the CPU figures: the syscall tracepoints add kernel time to every call of the counted process.
  echo "== the same, counting the proxies' system calls (perf stat); ${SYSCALL_ROUNDS:-2} rounds"
  compare --rounds "${SYSCALL_ROUNDS:-2}" --syscalls --output "$out/syscalls" --command "bench/filters.sh (system calls)" "$@" > "$out/syscalls.log"
  grep -A5 '^| proxy | system calls' "$out/syscalls/compare.md"
fi

if [[ "${SKIP_MICRO:-}" != 1 ]]; then
  echo "== the policy filter in-process (BenchmarkDotNet, ${MICRO_JOB:-short} job)"
  rm -rf "$out/bdn"
  # Run from the repository root: BenchmarkDotNet looks for the project below the working directory.
  dotnet run -c Release --no-build --project bench/KafkaProxy.Benchmarks -- \
    --filter '*PolicyFilter*' '*FilterPassThrough*' --job "${MICRO_JOB:-short}" --artifacts "$out/bdn" > "$out/micro.log"
  cat "$out"/bdn/results/*Filter*-report-github.md > "$out/micro.md"
  cat "$out/micro.md"
fi

echo "== done in $(( $(date +%s) - started )) s: results in $out"
