#!/usr/bin/env bash
# Cross-validated fine-tuning on judged queries (by default the ESCI-SRW dev set beside the
# repository): for each of K folds of the queries, fine-tune on the other folds' queries only,
# then evaluate base and fine-tuned models, dense and hybrid, on the held-out fold; finally pool
# the held-out folds and compare with a paired bootstrap interval. Extra arguments go to finetune.
#   tools/finetune/folds.sh [--epochs 1 --learning-rate 2e-5 ...]
# Environment: K (folds, default 5), BASE (model, default arctic-xs), OUT (default artifacts/finetune-folds),
# FOLDS (which folds to run, default all), PRECISION (eval precision, default fp32).
set -euo pipefail
cd "$(dirname "$0")/../.."
K=${K:-5}
BASE=${BASE:-arctic-xs}
OUT=${OUT:-artifacts/finetune-folds}
FOLDS=${FOLDS:-$(seq -s ' ' 1 "$K")}
PRECISION=${PRECISION:-fp32}
mkdir -p "$OUT"
dotnet build tools/VectorIndexer.Cli -c Release -v q -nologo >/dev/null
CLI=(dotnet tools/VectorIndexer.Cli/bin/Release/net10.0/vectorindexer.dll)
for i in $FOLDS; do
  if [ ! -f "$OUT/fold$i/model.onnx" ]; then
    /usr/bin/time -f "fold $i finetune: %e s wall, %M KiB max RSS" \
      "${CLI[@]}" finetune --base "$BASE" --out "$OUT/fold$i" --folds "$K" --exclude-fold "$i" "$@" 2> >(tee "$OUT/fold$i.log" >&2)
  fi
  for mode in dense hybrid; do
    "${CLI[@]}" eval --model "$BASE" --precision "$PRECISION" --mode "$mode" --folds "$K" --only-fold "$i" --per-query "$OUT/base-$mode-$i.csv" > "$OUT/base-$mode-$i.txt"
    "${CLI[@]}" eval --model "$OUT/fold$i" --precision "$PRECISION" --mode "$mode" --folds "$K" --only-fold "$i" --per-query "$OUT/tuned-$mode-$i.csv" > "$OUT/tuned-$mode-$i.txt"
    echo "fold $i $mode: base $(grep -m1 nDCG "$OUT/base-$mode-$i.txt") | tuned $(grep -m1 nDCG "$OUT/tuned-$mode-$i.txt")"
  done
done
for mode in dense hybrid; do
  echo "== $mode, held-out folds pooled"
  "${CLI[@]}" compare --baseline "$OUT"/base-$mode-*.csv --candidate "$OUT"/tuned-$mode-*.csv
done
