#!/usr/bin/env bash
# Query API at 1 client, query cache off, hybrid: all-MiniLM-L6-v2 against snowflake-arctic-embed-xs in one
# session, alternating, three rounds, on the bundled sample catalogue (386 products); see latency-ab.sh.
# Needs: dotnet build -c Release src/VectorIndexer.App && dotnet build -c Release tools/VectorIndexer.LoadTest
OUT=${OUT:-/tmp/model-latency} CLIENTS=1 exec "$(dirname "$0")/latency-ab.sh" \
  minilm "--Embedding:Model=minilm" arctic-xs "--Embedding:Model=arctic-xs"
