// Generates token-id golden files with @huggingface/tokenizers, and cross-checks every id list
// against @huggingface/transformers' AutoTokenizer loaded from the same (locally built) tokenizer.json.
// Usage: node gen-tokens.mjs [--model-dir ../../artifacts/models/all-MiniLM-L6-v2] [--products PATH] [--out-dir PATH] [--count 2000]
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import { Tokenizer } from "@huggingface/tokenizers";
import { AutoTokenizer, env } from "@huggingface/transformers";
import {
  buildTokenizerConfig, buildTokenizerJson, makeLocalModelRepo, parseArgs, productText, readJsonlHead, readVocab, sha256Hex,
} from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2), {
  "model-dir": "../../artifacts/models/all-MiniLM-L6-v2",
  products: path.join(here, "../../../shared/data/esci-srw/products.jsonl"),
  "out-dir": path.join(here, "../../tests/VectorIndexer.Embedding.Tests/Golden"),
  count: "2000",
});
const count = Number(args.count);

const vocab = readVocab(path.join(args["model-dir"], "vocab.txt"));
const tok = new Tokenizer(buildTokenizerJson(vocab), buildTokenizerConfig());

// Independent load path through transformers.js (its own file loading and PreTrainedTokenizer wrapper).
env.allowRemoteModels = false;
const repo = makeLocalModelRepo(args["model-dir"]);
env.localModelPath = repo.root + path.sep;
const hfTok = await AutoTokenizer.from_pretrained(repo.name, { local_files_only: true });

const mismatches = [];
function encode(text, label) {
  const ids = tok.encode(text).ids;
  const ids2 = Array.from(hfTok.encode(text));
  if (ids.length !== ids2.length || ids.some((v, i) => v !== ids2[i])) mismatches.push(label);
  if (ids[0] !== 101 || ids[ids.length - 1] !== 102) throw new Error(`missing [CLS]/[SEP] for ${label}`);
  return ids;
}

// 1) tricky strings
const tricky = JSON.parse(fs.readFileSync(path.join(args["out-dir"], "tricky-strings.json"), "utf8"));
const trickyOut = tricky.map((text, i) => ({ text, ids: encode(text, `tricky[${i}]`) }));
fs.writeFileSync(
  path.join(args["out-dir"], "tokens-tricky.json"),
  "[\n" + trickyOut.map((o) => "  " + JSON.stringify(o)).join(",\n") + "\n]\n",
);

// 2) first N products
const products = readJsonlHead(args.products, count);
if (products.length !== count) throw new Error(`expected ${count} products, got ${products.length}`);
let maxLen = 0;
const lines = products.map((p, i) => {
  const text = productText(p);
  const ids = encode(text, `product[${i}] ${p.asin}`);
  maxLen = Math.max(maxLen, ids.length);
  return JSON.stringify({ asin: p.asin, sha256: sha256Hex(text), ids });
});
// mtime 0 in the gzip header keeps output byte-stable across runs.
fs.writeFileSync(
  path.join(args["out-dir"], "tokens-esci.jsonl.gz"),
  zlib.gzipSync(Buffer.from(lines.join("\n") + "\n", "utf8"), { level: 9 }),
);

fs.rmSync(repo.root, { recursive: true, force: true });
console.log(`tricky: ${trickyOut.length} strings; esci: ${lines.length} products (max ${maxLen} ids)`);
if (mismatches.length) {
  console.error(`tokenizers vs transformers MISMATCH on ${mismatches.length}: ${mismatches.slice(0, 20).join(", ")}`);
  process.exitCode = 1;
} else {
  console.log("tokenizers and transformers agree on all ids");
}
