namespace VectorIndexer.Deployment.Tests;

/// <summary>A variable reference in a compose value: <c>${NAME}</c>, <c>${NAME:?message}</c>, <c>${NAME:-default}</c>, <c>$NAME</c>.</summary>
/// <param name="Name">The variable.</param>
/// <param name="Operator">Empty, or one of <c>:-</c>, <c>-</c>, <c>:?</c>, <c>?</c>, <c>:+</c>, <c>+</c>.</param>
/// <param name="Argument">The default, error message or alternative after the operator.</param>
/// <param name="Start">Offset of the <c>$</c>.</param>
/// <param name="Length">Length of the whole reference.</param>
internal sealed record VariableReference(string Name, string Operator, string Argument, int Start, int Length)
{
    /// <summary>Whether a value is supplied when the variable is unset (<c>:-</c>, <c>-</c>, <c>:+</c>, <c>+</c>).</summary>
    public bool HasFallbackValue => Operator is ":-" or "-" or ":+" or "+";

    /// <summary>Whether compose stops when the variable is unset (or empty, with <c>:?</c>).</summary>
    public bool IsRequired => Operator is ":?" or "?";
}

/// <summary>Compose's variable interpolation, read (not evaluated): <c>$$</c> is a literal dollar.</summary>
internal static class Interpolation
{
    private static readonly string[] Operators = [":-", ":?", ":+", "-", "?", "+"];

    public static IReadOnlyList<VariableReference> References(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var found = new List<VariableReference>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                continue;
            }

            var next = value[i + 1];
            if (next == '$')
            {
                i++; // "$$": a literal '$' for the container
                continue;
            }

            if (next == '{')
            {
                var close = MatchingBrace(value, i + 1);
                if (close < 0)
                {
                    throw new FormatException($"Unclosed '${{' in '{value}'.");
                }

                var body = value[(i + 2)..close];
                var nameLength = NameLength(body, 0);
                var name = body[..nameLength];
                var rest = body[nameLength..];
                var op = Operators.FirstOrDefault(o => rest.StartsWith(o, StringComparison.Ordinal)) ?? string.Empty;
                if (name.Length == 0 || (rest.Length > 0 && op.Length == 0))
                {
                    throw new FormatException($"'${{{body}}}' in '{value}' is not a variable reference.");
                }

                found.Add(new VariableReference(name, op, rest[op.Length..], i, close - i + 1));
                i = close;
            }
            else if (char.IsLetter(next) || next == '_')
            {
                var length = NameLength(value, i + 1);
                found.Add(new VariableReference(value.Substring(i + 1, length), string.Empty, string.Empty, i, length + 1));
                i += length;
            }
        }

        return found;
    }

    /// <summary>Whether the whole value is exactly one reference, e.g. <c>${API_KEY:?set it}</c>.</summary>
    public static VariableReference? WholeValueReference(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var references = References(value);
        return references is [var only] && only.Start == 0 && only.Length == value.Length ? only : null;
    }

    private static int NameLength(string text, int start)
    {
        var end = start;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        return end - start;
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
