#!/usr/bin/env bash
# Builds in Release and runs every benchmark: the codec micro-benchmarks (BenchmarkDotNet, short job) and the
# end-to-end load program (direct vs proxied in 3 interleaved rounds, medians). Writes bench/results/latest.md
# (machine, command, every figure), latest.svg (the chart) and latest.json; logs and BenchmarkDotNet's artifacts go
# to bench/results/raw (git-ignored). About 10 minutes on 2 cores (micro-benchmarks about 4, the load program about
# 5). Extra arguments go to the load program (kafkaproxy-load run --help).
#   SKIP_MICRO=1 bench/run.sh          only the load program
#   bench/run.sh --quick               a smoke run of the load program alone, 2 rounds (about 2 minutes)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/bench/results"
mkdir -p "$results/raw"
started=$(date +%s)

# Idle connections through the proxy cost it two descriptors each (client and upstream socket). Raise the soft
# limit to the hard one for every process started from here, and size the big connection test to fit under it.
hard=$(ulimit -Hn)
if [[ "$hard" != unlimited ]]; then
  ulimit -Sn "$hard"
  # The proxy keeps a tenth of the limit back from client connections (at least 64) and lowers MaxConnections to what
  # fits (docs/operations.md, --max-connections); 1,000 more stay free for what it holds at start and the runtime.
  reserve=$(( hard / 10 > 64 ? hard / 10 : 64 ))
  big=$(( (hard - reserve - 1000) / 2 / 100 * 100 ))
  (( big > 10000 )) && big=10000
else
  ulimit -Sn 65536 || true
  big=10000
fi

echo "== build (Release)"
for project in samples/KafkaProxy.ConsoleHost samples/KafkaProxy.WebHost bench/KafkaProxy.Load bench/KafkaProxy.Benchmarks; do
  dotnet build "$project" -c Release -nologo -v quiet
done

micro="$results/raw/micro.md"
rm -f "$micro"
quick=0
for argument in "$@"; do
  [[ "$argument" == --quick ]] && quick=1
done
if [[ "${SKIP_MICRO:-}" != 1 && "$quick" != 1 ]]; then
  echo "== codec micro-benchmarks (BenchmarkDotNet, short job)"
  rm -rf "$results/raw/bdn"
  # Run from the repository root: BenchmarkDotNet looks for the project below the working directory.
  dotnet run -c Release --no-build --project bench/KafkaProxy.Benchmarks -- \
    --filter '*' --job short --artifacts "$results/raw/bdn" > "$results/raw/micro.log"
  for report in "$results"/raw/bdn/results/*-report-github.md; do
    cat "$report" >> "$micro"
    echo >> "$micro"
  done
fi

echo "== load program: direct vs proxied"
revision=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src samples bench/KafkaProxy.Load || revision="$revision+changes"
export BENCH_REVISION="$revision"
bench/KafkaProxy.Load/bin/Release/net10.0/kafkaproxy-load run \
  --connections "1000,$big" --command "bench/run.sh${*:+ $*}" --output "$results" "$@"

if [[ -s "$micro" ]]; then
  {
    echo
    echo "## Codec micro-benchmarks (BenchmarkDotNet ShortRun: 3 iterations, so the error columns are wide)"
    echo
    echo "\`-\` in Allocated means 0 B. Medium-job results and what each benchmark measures: bench/README.md."
    echo
    cat "$micro"
  } >> "$results/latest.md"
fi

echo "== done in $(( $(date +%s) - started )) s: bench/results/latest.md, bench/results/latest.svg"
