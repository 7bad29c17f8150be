// Writes tests/VectorIndexer.Embedding.Tests/Golden/tricky-strings.json: hand-written strings that
// stress BERT basic tokenization (normalizer, pre-tokenizer, WordPiece). Run only when the list changes;
// gen-tokens.mjs / gen-embeddings.mjs read the JSON file.
// Usage: node make-tricky-strings.mjs [--out PATH]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2), {
  out: path.join(here, "../../tests/VectorIndexer.Embedding.Tests/Golden/tricky-strings.json"),
});

const s = [];
const add = (...xs) => s.push(...xs);

// --- plain / baseline
add("Hello, World!", "the quick brown fox jumps over the lazy dog", "UNAFFORDABLE Tokenization-Heavy WORDS");

// --- accented Latin, NFC and NFD
add(
  "Café Crème",
  "Cafe\u0301 Cre\u0300me (NFD)",
  "Pokémon Pikachu Ünïcödé",
  "Häagen-Dazs vanilla ice cream",
  "naïve résumé façade coöperate",
  "Tiếng Việt có dấu: Người ướt mưa, Đường phố Hà Nội, ngỗng, chữ Quốc ngữ",
  "Ångström Øresund Łódź Dvořák Šťastný Ærø",
);

// --- case mappings that change length / context-sensitive lowercasing
add(
  "Straße STRASSE GROẞE Maß",
  "İstanbul DİYARBAKIR ıiIİ Iğdır",
  "ΟΔΥΣΣΕΥΣ ΣΟΦΟΣ Σ ΣΑ",
  "final sigma context: ΑΣ-ΒΑ ΑΣ.Β ΑΣ'Β ΑΣ\u0301 ΑΣ\u00adΒ",
  "ﬁnancial ﬂow ﬀ ﬃ ﬄ ﬅ ﬆ",
  "ǅemal ǈubljana ǋ Ǳ",
  "ΐ ΰ ᾼ ῼ ᾈ (Greek with iota subscript)",
);

// --- full-width, compatibility forms
add("ＡＢＣ ａｂｃ １２３ ＵＳＢ－Ｃ！", "㍿ ㌔ ① ⑳ Ⅻ ㎏ ㎞ ℃ ℉ № ™", "x² H₂O ¼ ½ ¾ 10⁻³");

// --- CJK, kana, Hangul, other scripts
add(
  "日本語のテキストと漢字、ひらがな、カタカナ。",
  "中文测试：你好，世界！繁體中文與简体中文",
  "한국어 텍스트 테스트: 안녕하세요 세계",
  "東京タワー Tokyo 2020オリンピック",
  "abc\u{20000}def 𠮷野家の牛丼 x\u{2A700}y\u{2F800}z (astral CJK inside words)",
  "𠀀𠀁 𪜀 𫝀 𫠠 𬺰 丽 (CJK ext B-F, compat supplement)",
  "ｶﾀｶﾅ ﾊﾝｶｸ (half-width katakana) ゛゜ガ",
  "ภาษาไทยไม่มีการเว้นวรรค สวัสดีครับ",
  "हिन्दी भाषा देवनागरी लिपि में लिखी जाती है। क्षत्रिय",
  "বাংলা ভাষা, தமிழ் மொழி, తెలుగు, ಕನ್ನಡ, മലയാളം",
  "العربية: مرحبا بالعالم، كيف حالك؟ ١٢٣",
  "עִבְרִית עִם נִקּוּד: שָׁלוֹם עוֹלָם",
  "Ελληνικά με τόνους: άέήίόύώ ΆΈΉΊΌΎΏ ϊϋ",
  "Русский текст: Ёлка, ЙОГУРТ, щи; Українська: Ґанок, їжак",
  "ქართული ენა, Հայերեն, አማርኛ, ᏣᎳᎩ, ᠮᠣᠩᠭᠣᠯ",
  "Z̴̡a̷l̸g̶o̵ t̷e̸x̵t̶ with m̸a̵n̷y̶ combining marks",
  "e\u20DD a\u20DE 1\u20E3 (enclosing marks Me)",
);

// --- whitespace and control characters
add(
  "tab\there\tand\ttabs",
  "line1\nline2\n\nline4",
  "windows\r\nline\r\nendings\r",
  "form\ffeed and vertical\vtab",
  "nul\u0000char\u0000inside",
  "c0 \u0001\u0002\u0003\u0007\u0008\u001b\u001c\u001d\u001e\u001f\u007f end",
  "c1 \u0080\u0085\u0086\u008d\u009f end",
  "nbsp\u00a0thin\u2009hair\u200afigure\u2007narrow\u202fideo\u3000graphic",
  "line\u2028separator and paragraph\u2029separator",
  "zero\u200bwidth\u200cnon\u200djoiner\u2060wj",
  "\ufeffBOM at start and \ufeffinside",
  "soft\u00adhyphen\u00adated",
  "bidi \u200eLRM\u200f RLM \u202aLRE\u202c \u2066isolate\u2069",
  "variation selectors: \u2764\ufe0f \u263a\ufe0e \u845b\udb40\udd00",
  "private use: \ue000\uf8ff \udb80\udc00",
  "lone high \ud800 surrogate",
  "lone low \udc00 surrogate and reversed \udc00\ud800 pair",
  "replacement \ufffd char\ufffd\ufffd",
  "unassigned \u0378 \u05ff \ufdd0 \uffff \u{2FFFE} noncharacters",
  "mongolian\u180evowel separator and ogham\u1680space",
);

// --- punctuation and symbols
add(
  "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
  "a!b\"c#d$e%f&g'h(i)j*k+l,m-n.o/p:q;r<s=t>u?v@w[x\\y]z^_`{a|b}c~d",
  "em—dash en–dash “curly” ‘single’ ellipsis… «guillemets» ¿qué? ¡sí!",
  "Japanese punct・中点、読点。句点「鉤括弧」『二重』【隅付き】〜",
  "symbols $5 +1 =2 <3 >4 |x| ~y ^z `q` 30° ™ ® © € £ ¥ § ¶ µ ½ ²",
  "math ∑ ∫ √ ∞ ≈ ≠ ≤ ≥ ∂ ∇ ∈ ∉ ⊂ ⊆ ∀ ∃ ± × ÷ ∘ ℝ ℕ 𝔸 𝕏 𝒜",
  "arrows → ← ↑ ↓ ⇒ ⇔ ↔ and box ─│┌┐ and bullets • ◦ ‣ ▪",
  "currency ₹ ₽ ₩ ₪ ₫ ₿ ¢ ¤ and primes ′ ″ ‴",
  "underscores __init__ snake_case_name and dashes ---",
  "¡¿‽⁂※†‡‰‱",
);

// --- emoji
add(
  "emoji 😀😃😄 🎉 ❤️ 🚀",
  "zwj families 👨‍👩‍👧‍👦 👩‍💻 🏳️‍🌈 🧑🏽‍🚀",
  "skin tones 👍🏻 👍🏼 👍🏽 👍🏾 👍🏿",
  "flags 🇺🇸 🇩🇪 🇯🇵 🇪🇺 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
  "keycaps 1️⃣ #️⃣ *️⃣ 🔟",
);

// --- product-like
add(
  "12\" x 8' Rug, Non-Slip",
  "5-Pack AA Batteries (1.5V)",
  "USB-C→HDMI Adapter 4K@60Hz",
  "Size: XL/XXL; Color: Navy-Blue",
  "100% Cotton T-Shirt",
  "#1 Best-Seller in Home & Kitchen",
  "C++ Primer, C# in Depth, F# for fun",
  "contact e-mail@host.com or sales+eu@shop.co.uk",
  "https://www.example.com/path/to/item?id=42&ref=abc#section",
  "Model No. SM-G991B/DS (128GB) v2.0.1 — 3.5mm jack, 1/4\"-20 thread",
  "Pack of 2 – 16.9 fl oz (500ml) – BPA-free; 9.99$/pc",
  "Dimensions: 10.5 x 7.25 x 0.75 in; 2.2 lbs (1 kg)",
  "iPhone13ProMax MacBookAir M2 PS5 RTX4090Ti",
  "[CLS] looks special [SEP] and [MASK] [UNK] [PAD] [cls] [unused5]",
);

// --- WordPiece max_input_chars_per_word (100) probes
const w100 = "a".repeat(100);
const w101 = "a".repeat(101);
add(w100, w101, `before ${w100} after`, `before ${w101} after`);
add("abcdefghij".repeat(30)); // 300-char run, no spaces
add("x" + "y".repeat(98) + "Z"); // 100 chars, uppercase at end
add("\u00e9".repeat(100)); // 100 x é NFC (100 code points)
add("\u00e9".repeat(101)); // 101 x é NFC
add("e\u0301".repeat(100)); // 100 x é NFD (200 code points before strip_accents, 100 after)
add("e\u0301".repeat(51)); // 51 x é NFD = 102 code points raw, 51 after
add("\u{1F600}".repeat(100)); // 100 emoji = 100 code points, 200 UTF-16 units
add("\u{1F600}".repeat(60)); // 60 code points, 120 UTF-16 units
add("\u{1D400}".repeat(101)); // 101 astral letters (math bold A)
add("\u0130".repeat(60)); // İ x60: lowercases to 120 code points (i + U+0307), 60 after stripping
add("\u0130".repeat(101)); // 101 İ
add("\u00df".repeat(101)); // ß x101 (lowercase keeps length)
add("\u1E9E".repeat(100)); // ẞ x100 -> ß x100
add("ab\u200bc".repeat(30)); // zero-width spaces inside (removed by clean_text) -> 90-char word
add("ab\u00adc".repeat(34)); // soft hyphens (Cf, removed) -> 102-char word
add("1".repeat(100) + "." + "2".repeat(100)); // digits split by punctuation

// --- empty and whitespace-only
add("", " ", "   ", "\t", "\n", "\r\n", "\t \n \r\n \f \v", "\u00a0\u2009\u3000", "\u200b\u200d\ufeff", "\u0000", "\ufffd");

// --- very long repetitive text (~3,000 words)
const sentence = "The Quick-Brown fox (v2.0) jumps over 3 lazy dogs; naïve café owners say “wow”! ";
let long = "";
while (long.split(/\s+/).filter(Boolean).length < 3000) long += sentence;
add(long.trimEnd());

// Sanity: no duplicates.
const seen = new Set();
for (const x of s) {
  if (seen.has(x)) throw new Error(`duplicate tricky string ${JSON.stringify(x).slice(0, 60)}`);
  seen.add(x);
}

fs.mkdirSync(path.dirname(args.out), { recursive: true });
// JSON.stringify escapes lone surrogates as \udXXX (well-formed JSON.stringify, ES2019).
fs.writeFileSync(args.out, "[\n" + s.map((x) => "  " + JSON.stringify(x)).join(",\n") + "\n]\n");
console.log(`wrote ${s.length} strings to ${args.out}`);
