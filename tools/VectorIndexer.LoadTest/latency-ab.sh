#!/usr/bin/env bash
# The query API with two (or more) settings, alternating, in one session: for each round and each
# variant, the all-in-one app (Release) is started with that variant's extra arguments, hit by
# vectorindexer-load, and stopped. Query cache and rate limit off, hybrid, the ESCI-SRW dev queries
# as query texts.
#
#   latency-ab.sh NAME "ARGS" NAME "ARGS" ...
#
# Environment: CLIENTS (default 1; a list such as 1,8), ROUNDS (3), DURATION (20 s), WARMUP (5 s),
# CATALOGUE (sample: the bundled 386 products; esci: the 6,764 ESCI-SRW products, indexed once per
# variant on its first start and kept in $OUT/data-NAME for later rounds), OUT (/tmp/latency-ab).
# Needs: dotnet build -c Release src/VectorIndexer.App && dotnet build -c Release tools/VectorIndexer.LoadTest
# Each run's table goes to $OUT/lat-NAME-ROUND.txt; the last lines print the rows per client count.
set -u
cd "$(dirname "$0")/../.."
if [ $# -lt 2 ] || [ $(($# % 2)) -ne 0 ]; then
  echo "usage: $0 NAME \"ARGS\" [NAME \"ARGS\" ...]" >&2
  exit 2
fi
out=${OUT:-/tmp/latency-ab}
clients=${CLIENTS:-1}
rounds=${ROUNDS:-3}
catalogue=${CATALOGUE:-sample}
mkdir -p "$out"
load=tools/VectorIndexer.LoadTest/bin/Release/net10.0/vectorindexer-load
shared=$(cd ../shared 2>/dev/null && pwd) || { echo "../shared (the ESCI-SRW queries) is missing" >&2; exit 2; }
feed=()
case "$catalogue" in
  sample) ;;
  esci) feed=(--Worker:RecurringReindex:FeedLocation="$shared/data/esci-srw/products.jsonl" --Worker:RecurringReindex:Mapping=esci) ;;
  *) echo "CATALOGUE must be sample or esci, not '$catalogue'" >&2; exit 2 ;;
esac
names=()
declare -A extra
while [ $# -gt 0 ]; do
  names+=("$1"); extra[$1]=$2; shift 2
done
for name in "${names[@]}"; do
  [ "$catalogue" = sample ] && rm -rf "$out/data-$name"
done
for round in $(seq 1 "$rounds"); do
  for name in "${names[@]}"; do
    # shellcheck disable=SC2086 # the variant's arguments are meant to split
    (cd src/VectorIndexer.App && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:5191 \
      exec dotnet bin/Release/net10.0/VectorIndexer.App.dll --App:DataDirectory="$out/data-$name" "${feed[@]}" \
      --Api:RateLimit:PermitLimit=0 --Search:QueryCacheSize=0 ${extra[$name]} >> "$out/app-$name.log" 2>&1) &
    pid=$!
    ready=
    for _ in $(seq 1 1200); do
      if curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:5191/health/ready | grep -q 200; then ready=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    if [ -z "$ready" ]; then
      echo "$name did not become ready; see $out/app-$name.log" >&2
      kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
      exit 1
    fi
    "$load" --url http://127.0.0.1:5191 --queries "$shared/data/esci-srw/queries-dev.tsv" --clients "$clients" \
      --duration "${DURATION:-20}" --warmup "${WARMUP:-5}" --mode hybrid > "$out/lat-$name-$round.txt" 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null
  done
done
for f in "$out"/lat-*.txt; do
  grep '^| [0-9]' "$f" | sed "s/^/$(basename "$f" .txt): /"
done
