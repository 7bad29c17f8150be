using System.IO.Compression;
using System.Text;
using System.Text.Json;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Embedding.Tests;

/// <summary>
/// Reference outputs of the Hugging Face JavaScript implementation (tools/golden), committed
/// under Golden/. ESCI-SRW texts are not in the repository: records carry the product id and the
/// SHA-256 of the text, which is rebuilt here from ../shared.
/// </summary>
internal static class Golden
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Golden", file);

    public static IEnumerable<JsonElement> ReadJsonLines(string file)
    {
        using var stream = File.OpenRead(PathOf(file));
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
    }

    public static JsonElement ReadJson(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf(file)));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The text of an ESCI-SRW product as tools/golden defines it: title, brand, color, category
    /// joined with " > ", bullet points, description; empty ones dropped; joined with newlines.
    /// </summary>
    public static string EsciText(JsonElement product)
    {
        var parts = new List<string>();
        void Add(string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(value);
            }
        }

        Add(StringOf(product, "title"));
        Add(StringOf(product, "brand"));
        Add(StringOf(product, "color"));
        if (product.TryGetProperty("category", out var category) && category.ValueKind == JsonValueKind.Array)
        {
            Add(string.Join(" > ", category.EnumerateArray().Select(c => c.GetString())));
        }

        Add(StringOf(product, "bullet_points"));
        Add(StringOf(product, "description"));
        return string.Join('\n', parts);
    }

    /// <summary>The ESCI-SRW products by id, with their texts, for the first <paramref name="count"/> lines.</summary>
    public static Dictionary<string, string> EsciTexts(int count) =>
        TestData.ReadEsciProducts(count).ToDictionary(p => p.GetProperty("asin").GetString()!, EsciText);

    public static string Sha256(string text) => Core.ProductTextComposer.ContentHash(text);

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static string? StringOf(JsonElement product, string name) =>
        product.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
