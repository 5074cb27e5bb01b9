#!/usr/bin/env bash
# Issue 20 (the gateway's disk spool), in one run:
#   1. Throughput and p99 latency of the HTTP gateway with its disk spool (KAFKA_FLUSHER_SPOOL_DIR) against memory mode,
#      1, 8 and 64 concurrent clients, interleaved rounds, medians: `kafkaproxy-load spool` writes bench/results/spool.md.
#   2. The crash test with 20 SIGKILLs under load (CI runs it with 5): its summary line (messages answered 200, read
#      back, duplicates, missing) is appended to bench/results/spool.md.
# About 4 minutes on 2 cores.
#   bench/spool.sh                 ROUNDS=5, DURATION=5 (seconds per round), KILLS=20
#   KILLS=0 bench/spool.sh         only the throughput comparison
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)
rounds=${ROUNDS:-5}
duration=${DURATION:-5}
kills=${KILLS:-20}

echo "== build (Release)"
for project in samples/KafkaProxy.WebHost bench/KafkaProxy.Load; do
  dotnet build "$project" -c Release -nologo -v quiet
done

revision=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- src samples bench/KafkaProxy.Load || revision="$revision+changes"
export BENCH_REVISION="$revision"
echo "== spool vs memory: $rounds interleaved rounds of $duration s"
bench/KafkaProxy.Load/bin/Release/net10.0/kafkaproxy-load spool \
  --rounds "$rounds" --duration "$duration" --output "$root/bench/results" --command "bench/spool.sh${*:+ $*}" "$@"

if [[ "$kills" != 0 ]]; then
  echo "== $kills SIGKILLs under load (SpoolCrashTests, Debug build of the web host)"
  log="$root/bench/results/raw/spool-kills.log"
  mkdir -p "$(dirname "$log")"
  dotnet build tests/KafkaProxy.IntegrationTests -nologo -v quiet
  SPOOL_KILLS="$kills" dotnet test tests/KafkaProxy.IntegrationTests --no-build \
    --filter "FullyQualifiedName~SpoolCrashTests.Sigkill_UnderLoad" --logger "console;verbosity=detailed" | tee "$log"
  {
    echo
    echo "## $kills SIGKILLs under load"
    echo
    echo "\`SPOOL_KILLS=$kills dotnet test tests/KafkaProxy.IntegrationTests --filter FullyQualifiedName~SpoolCrashTests.Sigkill_UnderLoad\`:"
    echo "four clients push batches of 20 unique messages; the web host is killed with SIGKILL at a random moment and"
    echo "restarted, $kills times; then every message read back from the test cluster directly."
    echo
    echo '```'
    grep -E '^\s*([0-9]+ kills|round [0-9]+:|answered 200:)' "$log" | sed 's/^ *//'
    grep -E '^\s*(Passed|Failed) ' "$log" | sed 's/^ *//'
    echo '```'
  } >> "$root/bench/results/spool.md"
fi

echo "== done in $(( $(date +%s) - started )) s: bench/results/spool.md"
