#!/usr/bin/env bash
# Query API at 1 client, query cache off, hybrid: all-MiniLM-L6-v2 against snowflake-arctic-embed-xs in one
# session, alternating, three rounds: the all-in-one app on its bundled sample catalogue (386 products), the
# ESCI-SRW dev queries as query texts. Needs:
#   dotnet build -c Release src/VectorIndexer.App && dotnet build -c Release tools/VectorIndexer.LoadTest
# Results (one table per run) go to $OUT (default /tmp/model-latency); the last lines print the 1-client rows.
set -u
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/model-latency}
mkdir -p "$out"
load=tools/VectorIndexer.LoadTest/bin/Release/net10.0/vectorindexer-load
for round in 1 2 3; do
  for model in minilm arctic-xs; do
    data="$out/data-$model"
    rm -rf "$data"
    (cd src/VectorIndexer.App && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:5191 \
      exec dotnet bin/Release/net10.0/VectorIndexer.App.dll --App:DataDirectory="$data" --Embedding:Model=$model \
      --Api:RateLimit:PermitLimit=0 --Search:QueryCacheSize=0 > "$out/app-$model.log" 2>&1) &
    pid=$!
    for _ in $(seq 1 120); do
      curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:5191/health/ready | grep -q 200 && break
      sleep 1
    done
    "$load" --url http://127.0.0.1:5191 --queries ../shared/data/esci-srw/queries-dev.tsv --clients 1 --duration 20 \
      --warmup 5 --mode hybrid > "$out/lat-$model-$round.txt" 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null
  done
done
for f in "$out"/lat-*.txt; do echo "$(basename "$f" .txt): $(grep '^| 1 ' "$f")"; done
