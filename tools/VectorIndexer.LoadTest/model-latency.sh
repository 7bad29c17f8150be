# Query API at 1 client, cache off, hybrid: MiniLM vs arctic-embed-xs, same session, the bundled
# sample catalogue (386 products), the 82 ESCI dev queries as query texts. Two rounds, alternating.
set -u
cd /work/main
APP=src/VectorIndexer.App/bin/Release/net10.0/VectorIndexer.App.dll
LOAD=tools/VectorIndexer.LoadTest/bin/Release/net10.0/vectorindexer-load
for round in 1 2 3; do
for model in minilm arctic-xs; do
  data=/tmp/lat-$model; rm -rf $data
  (cd src/VectorIndexer.App && ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=http://127.0.0.1:5191 \
    exec dotnet bin/Release/net10.0/VectorIndexer.App.dll --App:DataDirectory=$data --Embedding:Model=$model \
    --Api:RateLimit:PermitLimit=0 --Search:QueryCacheSize=0 > /tmp/eval/app-$model.log 2>&1) &
  pid=$!
  for i in $(seq 1 120); do
    if curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:5191/health/ready | grep -q 200; then break; fi; sleep 1
  done
  $LOAD --url http://127.0.0.1:5191 --queries ../shared/data/esci-srw/queries-dev.tsv --clients 1 --duration 20 --warmup 5 --mode hybrid --json /tmp/eval/lat-$model-$round.json > /tmp/eval/lat-$model-$round.txt 2>&1
  kill $pid; wait $pid 2>/dev/null
done
done
echo done > /tmp/eval/latency.done
