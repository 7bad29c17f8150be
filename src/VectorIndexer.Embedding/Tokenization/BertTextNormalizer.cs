using System.Buffers;
using System.Globalization;
using System.Text;

namespace VectorIndexer.Embedding.Tokenization;

/// <summary>
/// The "basic tokenization" of BERT, done the way the reference tokenizer (Hugging Face
/// <c>tokenizers</c>, which sentence-transformers runs) does it,
/// producing words separated by single spaces for the WordPiece stage:
/// <list type="number">
/// <item>invalid UTF-16 (lone surrogates) becomes U+FFFD; NUL, U+FFFD and control, format,
/// private-use, surrogate and unassigned characters are removed, except tab, CR and LF, which are whitespace;</item>
/// <item>every whitespace character separates words;</item>
/// <item>CJK ideographs become words of their own;</item>
/// <item>for uncased models: lower-casing, then accents stripped (NFD, non-spacing marks removed);</item>
/// <item>every punctuation character (ASCII symbols and Unicode P* categories) becomes a word of its own.</item>
/// </list>
/// Microsoft.ML.Tokenizers' own BERT pre-processing differs from the reference on tabs and
/// newlines, symbols and accents, so it is bypassed: this class feeds its WordPiece model.
/// </summary>
public static class BertTextNormalizer
{
    /// <summary>Normalises <paramref name="text"/> into space-separated words.</summary>
    /// <param name="text">Any text; invalid UTF-16 is tolerated.</param>
    /// <param name="lowerCase">Lower-case and strip accents (uncased models).</param>
    public static string Normalize(ReadOnlySpan<char> text, bool lowerCase)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        var buffer = ArrayPool<char>.Shared.Rent((text.Length * 3) + 2);
        try
        {
            // Pass 1: clean, whitespace, CJK isolation. Output can grow three-fold (space, char, space).
            var length = 0;
            var ascii = true;
            var i = 0;
            while (i < text.Length)
            {
                var status = Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed);
                i += consumed;
                if (status != OperationStatus.Done)
                {
                    continue; // a lone surrogate is U+FFFD, which the reference removes
                }

                var value = rune.Value;
                if (value < 0x80)
                {
                    if (value is '\t' or '\n' or '\r' or ' ')
                    {
                        buffer[length++] = ' ';
                    }
                    else if (value >= 0x20 && value != 0x7F)
                    {
                        buffer[length++] = (char)value;
                    }

                    continue;
                }

                ascii = false;
                if (value == 0xFFFD || IsControl(rune))
                {
                    continue;
                }

                if (Rune.IsWhiteSpace(rune))
                {
                    buffer[length++] = ' ';
                }
                else if (IsCjk(value))
                {
                    buffer[length++] = ' ';
                    length += rune.EncodeToUtf16(buffer.AsSpan(length));
                    buffer[length++] = ' ';
                }
                else
                {
                    length += rune.EncodeToUtf16(buffer.AsSpan(length));
                }
            }

            ReadOnlySpan<char> cleaned = buffer.AsSpan(0, length);
            if (lowerCase)
            {
                var lowered = new string(cleaned).ToLowerInvariant();
                if (!ascii)
                {
                    // Decomposition can expose upper-case bases (U+0130 'İ' is 'I' + a dot above,
                    // and has no one-character lower case): lower-case again once the marks are
                    // split off, as the reference's decompose-then-lower-case order gives "i".
                    lowered = lowered.Normalize(NormalizationForm.FormD);
                    lowered = StripNonSpacingMarks(lowered).ToLowerInvariant();
                }

                cleaned = lowered;
            }

            return SplitWords(cleaned);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static string SplitWords(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length + 16);
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                i++;
                if (c == ' ')
                {
                    inWord = false;
                }
                else if (IsAsciiPunctuation(c))
                {
                    AppendSeparate(sb, c);
                    inWord = false;
                }
                else
                {
                    if (!inWord && sb.Length > 0)
                    {
                        sb.Append(' ');
                    }

                    sb.Append(c);
                    inWord = true;
                }

                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                i++;
                continue;
            }

            i += consumed;
            if (IsPunctuation(Rune.GetUnicodeCategory(rune)))
            {
                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(text.Slice(i - consumed, consumed));
                inWord = false;
                continue;
            }

            if (!inWord && sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(text.Slice(i - consumed, consumed));
            inWord = true;
        }

        return sb.ToString();
    }

    private static string StripNonSpacingMarks(string text)
    {
        var sb = new StringBuilder(text.Length);
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
        }

        return sb.ToString();
    }

    private static void AppendSeparate(StringBuilder sb, char c)
    {
        if (sb.Length > 0)
        {
            sb.Append(' ');
        }

        sb.Append(c);
    }

    private static bool IsAsciiPunctuation(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    private static bool IsPunctuation(UnicodeCategory category) => category is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or
        UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or
        UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or
        UnicodeCategory.OtherPunctuation;

    /// <summary>Categories C*: control, format, private use, surrogate and unassigned.</summary>
    private static bool IsControl(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
        or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;

    /// <summary>The CJK ideograph blocks that BERT splits one character per token.</summary>
    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
