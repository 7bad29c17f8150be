// Shared helpers for the golden-file generators.
// Builds the Hugging Face tokenizer definition of bert-base-uncased / all-MiniLM-L6-v2
// from a bare vocab.txt, and computes the canonical product text.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const CLS_ID = 101;
export const SEP_ID = 102;

/** Reads vocab.txt (LF or CRLF); line index = token id. */
export function readVocab(vocabPath) {
  const raw = fs.readFileSync(vocabPath, "utf8");
  const lines = raw.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const vocab = {};
  lines.forEach((tok, id) => {
    if (Object.hasOwn(vocab, tok)) throw new Error(`duplicate vocab entry '${tok}' at line ${id}`);
    vocab[tok] = id;
  });
  return vocab;
}

function added(id, content) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** tokenizer.json equivalent to the original bert-base-uncased / all-MiniLM-L6-v2 one (no truncation, no padding). */
export function buildTokenizerJson(vocab) {
  for (const [tok, id] of [["[PAD]", 0], ["[UNK]", 100], ["[CLS]", 101], ["[SEP]", 102], ["[MASK]", 103]]) {
    if (vocab[tok] !== id) throw new Error(`vocab: expected ${tok}=${id}, got ${vocab[tok]}`);
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [added(0, "[PAD]"), added(100, "[UNK]"), added(101, "[CLS]"), added(102, "[SEP]"), added(103, "[MASK]")],
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [CLS_ID], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [SEP_ID], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}

export function buildTokenizerConfig() {
  return {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    do_basic_tokenize: true,
    never_split: null,
    tokenize_chinese_chars: true,
    strip_accents: null,
    unk_token: "[UNK]",
    sep_token: "[SEP]",
    pad_token: "[PAD]",
    cls_token: "[CLS]",
    mask_token: "[MASK]",
    model_max_length: 512,
    clean_up_tokenization_spaces: true,
  };
}

/** config.json of sentence-transformers/all-MiniLM-L6-v2 (BertModel). */
export function buildModelConfig() {
  return {
    _name_or_path: "sentence-transformers/all-MiniLM-L6-v2",
    architectures: ["BertModel"],
    model_type: "bert",
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    gradient_checkpointing: false,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: 384,
    initializer_range: 0.02,
    intermediate_size: 1536,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    num_attention_heads: 12,
    num_hidden_layers: 6,
    pad_token_id: 0,
    position_embedding_type: "absolute",
    type_vocab_size: 2,
    use_cache: true,
    vocab_size: 30522,
  };
}

/**
 * Creates a temp folder laid out like a Hugging Face model repo for transformers.js:
 *   <tmp>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx -> modelDir/model.onnx}
 * Returns { root, name, dir }.
 */
export function makeLocalModelRepo(modelDir) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "golden-model-"));
  const name = "all-MiniLM-L6-v2";
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, "onnx"), { recursive: true });
  const vocab = readVocab(path.join(modelDir, "vocab.txt"));
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(buildModelConfig(), null, 2));
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(buildTokenizerJson(vocab)));
  fs.writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(buildTokenizerConfig(), null, 2));
  fs.symlinkSync(path.resolve(modelDir, "model.onnx"), path.join(dir, "onnx", "model.onnx"));
  return { root, name, dir };
}

/**
 * THE product text: title, brand, color, category joined with " > ", bullet_points, description;
 * null/empty-string values dropped (no other trimming); joined with "\n".
 */
export function productText(p) {
  const cat = Array.isArray(p.category) ? p.category.join(" > ") : p.category;
  const parts = [p.title, p.brand, p.color, cat, p.bullet_points, p.description];
  return parts.filter((v) => v !== null && v !== undefined && v !== "").join("\n");
}

export function sha256Hex(text) {
  return createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex");
}

/** Reads the first `limit` non-empty lines of a JSONL file, in file order. */
export function readJsonlHead(file, limit) {
  const out = [];
  const lines = fs.readFileSync(file, "utf8").split("\n");
  for (const line of lines) {
    if (out.length >= limit) break;
    if (line.trim() === "") continue;
    out.push(JSON.parse(line));
  }
  return out;
}

export function parseArgs(argv, defaults) {
  const args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    const key = m[1];
    if (!Object.hasOwn(defaults, key)) throw new Error(`unknown option --${key}; known: ${Object.keys(defaults).join(", ")}`);
    args[key] = m[2] !== undefined ? m[2] : argv[++i];
  }
  return args;
}
