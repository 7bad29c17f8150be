using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace VectorIndexer.Core.Lexical;

/// <summary>
/// Turns text into the terms of lexical (BM25) retrieval, the same way for products and queries:
/// <list type="number">
/// <item>Unicode compatibility decomposition (NFKD), combining marks dropped: accents fold away
/// (<c>café</c> → <c>cafe</c>, <c>ﬁ</c> → <c>fi</c>, full-width digits → ASCII);</item>
/// <item>lower-casing (invariant culture);</item>
/// <item>splitting on every character that is not a letter or a digit (so <c>t-shirt</c> gives
/// <c>t</c> and <c>shirt</c>, <c>12"</c> gives <c>12</c>);</item>
/// <item>terms longer than <see cref="MaxTermLength"/> characters are dropped;</item>
/// <item>optionally (off by default) English function words are dropped (<see cref="StopWords"/>:
/// <c>a</c>, <c>the</c>, <c>to</c>, <c>on</c>, …): in a short field such as a title they are rare,
/// so their IDF is high and a query's "to" matches "Bean-to-Cup";</item>
/// <item>optionally a light English stemmer that removes plural endings
/// (<see cref="LightStemmer"/>: <c>batteries</c> → <c>battery</c>, <c>shoes</c> → <c>shoe</c>).</item>
/// </list>
/// Thread-safe; it holds no state besides its settings.
/// </summary>
public sealed class LexicalAnalyzer
{
    /// <summary>Longer terms (hashes, URLs run together, base64) carry no useful matching signal.</summary>
    public const int MaxTermLength = 40;

    /// <summary>The English function words dropped when <see cref="RemoveStopWords"/> is on (after folding, before stemming).</summary>
    public static FrozenSet<string> StopWords { get; } = new[]
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "if", "in", "into", "is",
        "it", "its", "of", "on", "or", "so", "such", "that", "the", "their", "then", "there", "these",
        "they", "this", "to", "was", "were", "will", "with",
    }.ToFrozenSet(StringComparer.Ordinal);

    public LexicalAnalyzer(bool stemming = true, bool removeStopWords = false)
    {
        Stemming = stemming;
        RemoveStopWords = removeStopWords;
    }

    /// <summary>Whether plural endings are removed.</summary>
    public bool Stemming { get; }

    /// <summary>Whether <see cref="StopWords"/> are dropped.</summary>
    public bool RemoveStopWords { get; }

    /// <summary>The terms of <paramref name="text"/>, in order, repeats kept.</summary>
    public List<string> Analyze(string? text)
    {
        var terms = new List<string>();
        Analyze(text, terms);
        return terms;
    }

    /// <summary>Appends the terms of <paramref name="text"/> to <paramref name="terms"/>.</summary>
    public void Analyze(string? text, List<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var folded = Fold(text);
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var inTerm = i < folded.Length && char.IsLetterOrDigit(folded[i]);
            if (inTerm && start < 0)
            {
                start = i;
            }
            else if (!inTerm && start >= 0)
            {
                Emit(folded.AsSpan(start, i - start), terms);
                start = -1;
            }
        }
    }

    private void Emit(ReadOnlySpan<char> term, List<string> terms)
    {
        if (term.Length > MaxTermLength)
        {
            return;
        }

        var text = term.ToString();
        if (RemoveStopWords && StopWords.Contains(text))
        {
            return;
        }

        terms.Add(Stemming ? LightStemmer.Stem(text) : text);
    }

    /// <summary>NFKD, combining marks removed, lower-cased.</summary>
    private static string Fold(string text)
    {
        var decomposed = text.IsNormalized(NormalizationForm.FormKD) ? text : text.Normalize(NormalizationForm.FormKD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (c == 'ß')
            {
                sb.Append("ss"); // no decomposition of its own; "straße" and "strasse" should meet
            }
            else
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }
}
