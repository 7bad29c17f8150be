#!/usr/bin/env bash
# prune-publish.sh DIR cpu|gpu: run in the image build on a host published for linux-x64. Fails
# when the bundled model or the native ONNX Runtime is missing from DIR, and removes what the
# image never loads:
#   - ONNX Runtime's Windows DLLs, which its GPU package copies into every x64 output (~200 MB);
#   - for cpu images, the CUDA and TensorRT providers (~270 MB; Embedding:Device is cpu there);
#   - for gpu images, the TensorRT provider (no TensorRT in the image).
set -euo pipefail

dir=${1:?usage: prune-publish.sh DIR cpu|gpu}
variant=${2:?usage: prune-publish.sh DIR cpu|gpu}

fail() { echo "prune-publish: $*" >&2; exit 1; }

shopt -s nullglob
models=("$dir"/models/*/model.onnx)
[[ ${#models[@]} -gt 0 ]] || fail "no models/*/model.onnx in $dir: the default model was not published (src/VectorIndexer.Embedding/build/BundledModels.targets)"
for model in "${models[@]}"; do
  [[ -s $model && -s $(dirname "$model")/vocab.txt ]] || fail "$(dirname "$model") lacks model.onnx or vocab.txt"
done
[[ -s $dir/libonnxruntime.so ]] || fail "no libonnxruntime.so in $dir: publish with --runtime linux-x64"

rm -f "$dir"/onnxruntime.dll "$dir"/onnxruntime_providers_*.dll
case $variant in
  cpu)
    rm -f "$dir"/libonnxruntime_providers_cuda.so "$dir"/libonnxruntime_providers_tensorrt.so
    ;;
  gpu)
    [[ -s $dir/libonnxruntime_providers_cuda.so ]] || fail "no libonnxruntime_providers_cuda.so in $dir: the GPU image needs Microsoft.ML.OnnxRuntime.Gpu"
    rm -f "$dir"/libonnxruntime_providers_tensorrt.so
    ;;
  *)
    fail "variant must be cpu or gpu, not '$variant'"
    ;;
esac
echo "prune-publish: $dir ($variant): $(du -sh "$dir" | cut -f1)"
