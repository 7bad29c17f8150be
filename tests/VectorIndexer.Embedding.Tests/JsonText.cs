using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VectorIndexer.Embedding.Tests;

/// <summary>
/// Reads JSON strings that may hold lone surrogates (\ud800), which System.Text.Json refuses
/// but which the golden files contain on purpose.
/// </summary>
internal static class JsonText
{
    public static string GetLenientString(this JsonElement element)
    {
        var raw = element.GetRawText();
        if (raw.Length < 2 || raw[0] != '"' || raw[^1] != '"')
        {
            throw new FormatException("Not a JSON string: " + raw);
        }

        var sb = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = raw[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    sb.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }

        return sb.ToString();
    }
}
