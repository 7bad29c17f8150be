// Generates embedding golden files with the @huggingface/transformers feature-extraction pipeline
// (onnxruntime-node, CPU, fp32 onnx/model.onnx, mean or CLS pooling, L2 normalize), fully offline.
//
// Truncation: transformers.js' own truncation simply cuts the id list at max_length, which drops the
// final [SEP]. Sentence-transformers / HF (Rust & Python) keep [SEP]: [CLS] + first 254 pieces + [SEP].
// We use the latter: texts whose full encoding is longer than --max-length are truncated that way and
// fed through the pipeline's own model + mean_pooling + normalize; shorter texts go through the pipeline
// call itself, and the script checks that both paths give identical vectors on short texts.
//
// Usage: node gen-embeddings.mjs [--model-dir ../../artifacts/models/all-MiniLM-L6-v2] [--products PATH] [--out-dir PATH]
//                                [--count 200] [--max-length 256] [--pooling mean|cls] [--tag NAME]
//                                [--queries PATH --query-count 50 --query-prefix TEXT]
// --tag names the output files (embeddings-esci-NAME.jsonl.gz, ...); without it, the MiniLM file names.
// --queries also writes embeddings-queries-NAME.jsonl.gz: the first N queries of a queries TSV
// (query_id, query), each embedded as query-prefix + query text, stored as id, SHA-256 of the text, vector.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { env, mean_pooling, pipeline, Tensor } from "@huggingface/transformers";
import { CLS_ID, SEP_ID, makeLocalModelRepo, parseArgs, productText, readJsonlHead, sha256Hex } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2), {
  "model-dir": "../../artifacts/models/all-MiniLM-L6-v2",
  products: path.join(here, "../../../shared/data/esci-srw/products.jsonl"),
  "out-dir": path.join(here, "../../tests/VectorIndexer.Embedding.Tests/Golden"),
  count: "200",
  "max-length": "256",
  pooling: "mean",
  tag: "",
  queries: "",
  "query-count": "50",
  "query-prefix": "",
});
if (!["mean", "cls"].includes(args.pooling)) throw new Error(`--pooling must be mean or cls, not ${args.pooling}`);
const suffix = args.tag ? `-${args.tag}` : "";
const count = Number(args.count);
const maxLength = Number(args["max-length"]);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.useBrowserCache = false;
env.useFSCache = false;
const repo = makeLocalModelRepo(args["model-dir"]);
env.localModelPath = repo.root + path.sep;

const extractor = await pipeline("feature-extraction", repo.name, {
  device: "cpu",
  dtype: "fp32", // -> onnx/model.onnx (not model_quantized.onnx / model_fp16.onnx)
  local_files_only: true,
});
const modelFile = fs.realpathSync(path.join(repo.dir, "onnx", "model.onnx"));
const round6 = (x) => Number(x.toFixed(6));

let truncatedCount = 0;
let checkedShort = 0;
async function embed(text) {
  let ids = extractor.tokenizer.encode(text); // full ids incl. [CLS]/[SEP]
  if (ids.length > maxLength) {
    ids = [...ids.slice(0, maxLength - 1), SEP_ID];
    truncatedCount++;
  }
  if (ids[0] !== CLS_ID || ids[ids.length - 1] !== SEP_ID) throw new Error("bad special tokens");
  const n = ids.length;
  const inputs = {
    input_ids: new Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, n]),
    attention_mask: new Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]),
    token_type_ids: new Tensor("int64", new BigInt64Array(n), [1, n]),
  };
  const out = await extractor.model(inputs);
  const pooled = args.pooling === "cls"
    ? out.last_hidden_state.slice(null, 0, null) // [1, n, d] -> [1, d]: the [CLS] token
    : mean_pooling(out.last_hidden_state, inputs.attention_mask);
  const vec = pooled.normalize(2, -1);
  const v = Array.from(vec.data);
  if (v.length !== 384) throw new Error(`expected 384 dims, got ${v.length}`);
  if (n < maxLength) {
    // Same text through the stock pipeline call: must be bit-identical.
    const p = await extractor(text, { pooling: args.pooling, normalize: true });
    const pv = Array.from(p.data);
    if (pv.length !== 384 || pv.some((x, i) => x !== v[i])) throw new Error(`pipeline mismatch for ${JSON.stringify(text).slice(0, 80)}`);
    checkedShort++;
  }
  return v.map(round6);
}

// 1) tricky strings (non-empty only)
const tricky = JSON.parse(fs.readFileSync(path.join(args["out-dir"], "tricky-strings.json"), "utf8"));
const trickyOut = [];
for (const text of tricky) {
  if (text === "") continue;
  trickyOut.push({ text, vector: await embed(text) });
}
fs.writeFileSync(
  path.join(args["out-dir"], `embeddings-tricky${suffix}.json`),
  "[\n" + trickyOut.map((o) => "  " + JSON.stringify(o)).join(",\n") + "\n]\n",
);

// 2) first N products
const products = readJsonlHead(args.products, count);
if (products.length !== count) throw new Error(`expected ${count} products, got ${products.length}`);
const lines = [];
for (const p of products) {
  const text = productText(p);
  lines.push(JSON.stringify({ asin: p.asin, sha256: sha256Hex(text), vector: await embed(text) }));
}
fs.writeFileSync(
  path.join(args["out-dir"], `embeddings-esci${suffix}.jsonl.gz`),
  zlib.gzipSync(Buffer.from(lines.join("\n") + "\n", "utf8"), { level: 9 }),
);

// 3) optionally, the first N queries with the model's query prefix
let queryCount = 0;
if (args.queries) {
  const rows = fs.readFileSync(args.queries, "utf8").split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = rows.shift().split("\t");
  const idColumn = header.indexOf("query_id");
  const textColumn = header.indexOf("query");
  if (idColumn < 0 || textColumn < 0) throw new Error(`${args.queries}: expected columns query_id and query`);
  const queryLines = [];
  for (const row of rows.slice(0, Number(args["query-count"]))) {
    const cells = row.split("\t");
    const text = args["query-prefix"] + cells[textColumn];
    queryLines.push(JSON.stringify({ id: cells[idColumn], sha256: sha256Hex(text), vector: await embed(text) }));
  }
  fs.writeFileSync(
    path.join(args["out-dir"], `embeddings-queries${suffix}.jsonl.gz`),
    zlib.gzipSync(Buffer.from(queryLines.join("\n") + "\n", "utf8"), { level: 9 }),
  );
  queryCount = queryLines.length;
}

await extractor.dispose();
fs.rmSync(repo.root, { recursive: true, force: true });
console.log(
  `model ${modelFile}, ${args.pooling} pooling; tricky: ${trickyOut.length} vectors; esci: ${lines.length} vectors; queries: ${queryCount}; ` +
    `${truncatedCount} truncated to ${maxLength} ids; ${checkedShort} short texts verified identical to pipeline output`,
);
