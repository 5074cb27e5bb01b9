#!/usr/bin/env bash
# Start-up time and idle memory of kafka-proxy: the native AOT binary against the JIT build (framework-dependent
# Release publish, run by the dotnet host, as the image shipped before).
# Publishes both into bench/results/raw/startup (own artifacts folders: the solution's bin and obj stay untouched),
# then starts each RUNS times, alternating, in proxy mode with /metrics on:
#   kafka-proxy server --bootstrap-server-mapping 127.0.0.1:1,127.0.0.1:0 --http-listen-address 127.0.0.1:<free>
# and reads from its stdout the proxy's "Listening on" line (the Kafka listener is bound) and the host's
# "Application started" line (HTTP is bound too), timing both from just before exec. After IDLE seconds of idling it
# reads VmRSS from /proc/<pid>/status, stops the process with SIGTERM and waits for it. Prints medians as a table.
#   bench/startup.sh              RUNS=9, IDLE=5
#   RUNS=15 IDLE=10 bench/startup.sh
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-9}
idle=${IDLE:-5}
out="bench/results/raw/startup"
mkdir -p "$out"

echo "== publish (Release): JIT and native AOT" >&2
dotnet publish samples/KafkaProxy.ConsoleHost -c Release -nologo -v quiet \
  --artifacts-path "$out/artifacts-jit" -o "$out/jit" >&2
dotnet publish samples/KafkaProxy.ConsoleHost -c Release -r linux-x64 -p:PublishAot=true -nologo -v quiet \
  --artifacts-path "$out/artifacts-aot" -o "$out/aot" >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# One run: prints "<ms to Kafka listener> <ms to application started> <idle VmRSS in KiB>".
measure() {
  local port start listening='' started='' line rss fd pid
  port=$(free_port)
  start=$(now_ms)
  # The host's "Application started" line is at Information; appsettings.json raises Microsoft.Hosting.Lifetime to Warning.
  coproc PROXY { exec env Logging__LogLevel__Microsoft.Hosting.Lifetime=Information "$@" server --bootstrap-server-mapping 127.0.0.1:1,127.0.0.1:0 --http-listen-address "127.0.0.1:$port" 2>&1; }
  pid=$PROXY_PID
  exec {fd}<&"${PROXY[0]}" # bash drops PROXY when the process ends; this copy stays readable
  while IFS= read -r line <&"$fd"; do
    case "$line" in
      *"Listening on "*) listening=$(now_ms) ;;
      *"Application started"*) started=$(now_ms); break ;;
    esac
  done
  if [[ -z "$listening" || -z "$started" ]]; then
    echo "kafka-proxy ($*) ended before it was listening" >&2
    exit 1
  fi
  sleep "$idle"
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  kill -TERM "$pid"
  cat <&"$fd" >/dev/null || true
  exec {fd}<&-
  wait "$pid" || true
  echo "$(( listening - start )) $(( started - start )) $rss"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

: > "$out/runs.txt"
for ((i = 1; i <= runs; i++)); do
  echo "aot $(measure "$out/aot/kafka-proxy")" >> "$out/runs.txt"
  echo "jit $(measure dotnet "$out/jit/kafka-proxy.dll")" >> "$out/runs.txt"
  echo "run $i of $runs" >&2
done

echo "| build | start to Kafka listener (ms) | start to HTTP up (ms) | idle RSS (MiB) | runs |"
echo "| --- | ---: | ---: | ---: | ---: |"
for kind in aot jit; do
  listener=$(awk -v k="$kind" '$1 == k { print $2 }' "$out/runs.txt" | median)
  started=$(awk -v k="$kind" '$1 == k { print $3 }' "$out/runs.txt" | median)
  rss=$(awk -v k="$kind" '$1 == k { print $4 }' "$out/runs.txt" | median)
  echo "| $kind | $listener | $started | $(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }') | $runs |"
done
echo
echo "Every run: $out/runs.txt. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
