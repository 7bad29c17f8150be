namespace VectorIndexer.Core.Lexical;

/// <summary>
/// A light English stemmer: it only folds plural forms onto the singular, which is where product
/// queries and titles disagree most ("usb cables" / "USB Cable"), and leaves everything else
/// alone, so brand names and model codes mostly survive. It applies to words of at least four
/// characters, letters only (a term with a digit, like <c>x100s</c>, is a model code and kept), ending
/// in <c>s</c>; the first rule that matches wins:
/// <list type="bullet">
/// <item><c>-ies</c> → <c>-y</c>, except <c>-eies</c>, <c>-aies</c> (<c>batteries</c> → <c>battery</c>);</item>
/// <item><c>-sses</c>, <c>-xes</c>, <c>-ches</c>, <c>-shes</c>, <c>-zzes</c> → drop <c>-es</c> (<c>glasses</c> → <c>glass</c>, <c>boxes</c> → <c>box</c>, <c>watches</c> → <c>watch</c>);</item>
/// <item><c>-s</c> → drop it, except after <c>s</c> or <c>u</c> (<c>shoes</c> → <c>shoe</c>, <c>sizes</c> → <c>size</c>; <c>glass</c>, <c>status</c> kept).</item>
/// </list>
/// Queries and products go through the same rules, so an imperfect stem still matches itself.
/// </summary>
public static class LightStemmer
{
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length < 4 || word[^1] != 's' || !word.All(char.IsLetter))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal))
        {
            return word.EndsWith("eies", StringComparison.Ordinal) || word.EndsWith("aies", StringComparison.Ordinal)
                ? word
                : string.Concat(word.AsSpan(0, word.Length - 3), "y");
        }

        if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal) || word.EndsWith("ches", StringComparison.Ordinal)
            || word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("zzes", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        return word[^2] is 's' or 'u' ? word : word[..^1];
    }
}
