using System.Collections.Frozen;
using System.Globalization;
using VectorIndexer.Core;
using VectorIndexer.Core.Lexical;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Training;

/// <summary>One training example: a query and a product that answers it, and optionally one that does not.</summary>
/// <param name="QueryKey">Groups the pairs of one query: the validation split and the batches go by it.</param>
/// <param name="Query">The query text (embedded with the model's query prefix).</param>
/// <param name="ProductId">The answering product; a batch never holds it twice, so it is never its own negative.</param>
/// <param name="Document">The product's text as the index embeds it (self-supervised pairs: without its title).</param>
/// <param name="Negative">A product text judged irrelevant to the query, or null.</param>
public sealed record TrainingPair(string QueryKey, string Query, string ProductId, string Document, string? Negative = null);

/// <summary>A query held out for validation and what is judged relevant to it.</summary>
public sealed record ValidationQuery(string Text, IReadOnlyDictionary<string, double> Judged);

/// <summary>What a run trains on: pairs, the catalogue they come from (validation ranks all of it) and a description for model.json.</summary>
/// <param name="Pairs">The training pairs.</param>
/// <param name="Catalogue">Every product's text by id.</param>
/// <param name="Source">What the pairs were made from, for model.json.</param>
/// <param name="Judged">Graded judgements by query key, where the data has them; validation of other queries counts their pairs' products as relevant (gain 1).</param>
public sealed record TrainingData(IReadOnlyList<TrainingPair> Pairs, IReadOnlyDictionary<string, string> Catalogue, string Source, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>? Judged = null)
{
    /// <summary>What validation counts as relevant to the query of <paramref name="queryKey"/>.</summary>
    public IReadOnlyDictionary<string, double> JudgedFor(string queryKey) =>
        Judged is not null && Judged.TryGetValue(queryKey, out var judged)
            ? judged
            : Pairs.Where(p => p.QueryKey == queryKey).Select(p => p.ProductId).Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => 1.0, StringComparer.Ordinal);
}

/// <summary>What stands for the query in a self-supervised pair.</summary>
public enum SelfSupervisedQuery
{
    /// <summary>The product's whole title.</summary>
    Title,

    /// <summary>A seeded run of 2 to 6 consecutive title words, shaped like a shopper's keywords.</summary>
    TitleSpan,

    /// <summary>2 to 6 title words drawn (seeded) from anywhere in it, kept in their order, punctuation dropped: keywords that need not stand together.</summary>
    TitleWords,

    /// <summary>
    /// The leaf of the product's category path, with the brand in front on a seeded half of the
    /// products ("slippers", "ugg slippers"): a shopper's product-type query. The document keeps the
    /// title and leaves the category out; products of one such query never meet in a batch.
    /// </summary>
    Category,
}

/// <summary>Builds <see cref="TrainingData"/> from the formats the project reads: judged queries, click logs, or the catalogue alone.</summary>
public static class TrainingDataSources
{
    /// <summary>
    /// Judged queries (<c>queries.tsv</c> + <c>qrels.tsv</c>, as <c>eval</c> reads them): every
    /// product with gain ≥ <paramref name="minimumGain"/> is a positive; with gain 0 it is a hard
    /// negative of that query. Judgements of products not in the catalogue are skipped.
    /// </summary>
    public static TrainingData FromJudgements(IReadOnlyList<Product> products, ProductTextComposer composer, IReadOnlyList<EvaluationQuery> queries, RelevanceJudgements judgements, double minimumGain = 2, string source = "judgements")
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(judgements);
        var catalogue = Texts(products, composer);
        var pairs = new List<TrainingPair>();
        foreach (var query in queries)
        {
            var judged = judgements.For(query.Id);
            var negatives = judged.Where(j => j.Value <= 0 && catalogue.ContainsKey(j.Key)).Select(j => j.Key).Order(StringComparer.Ordinal).ToArray();
            var n = 0;
            foreach (var (productId, gain) in judged.OrderBy(j => j.Key, StringComparer.Ordinal))
            {
                if (gain >= minimumGain && catalogue.TryGetValue(productId, out var text))
                {
                    var negative = negatives.Length == 0 ? null : catalogue[negatives[n++ % negatives.Length]];
                    pairs.Add(new TrainingPair(query.Id, query.Text, productId, text, negative));
                }
            }
        }

        return new TrainingData(pairs, catalogue, source, judgements.ByQuery);
    }

    /// <summary>
    /// A click log: rows of query, product id and clicks (a header names the columns
    /// <c>query</c>, <c>product_id</c>, <c>clicks</c>; tab- or comma-separated). Each (query, product)
    /// with at least one click is a positive; errors name the file and line.
    /// </summary>
    public static async Task<TrainingData> FromClicksAsync(IReadOnlyList<Product> products, ProductTextComposer composer, string path, CancellationToken cancellationToken = default)
    {
        var catalogue = Texts(products, composer);
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path}: the click log is empty; it needs a header row naming query, product_id and clicks.");
        }

        var separator = lines[0].Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
        var header = lines[0].Split(separator).Select(h => h.Trim()).ToArray();
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new InvalidDataException($"{path}:1: no '{name}' column (the header has {string.Join(", ", header)}).");
        var (queryColumn, productColumn, clicksColumn) = (Column("query"), Column("product_id"), Column("clicks"));
        var clicks = new Dictionary<(string Query, string Product), long>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var fields = lines[i].Split(separator);
            if (fields.Length < header.Length)
            {
                throw new InvalidDataException($"{path}:{i + 1}: {fields.Length} fields where the header has {header.Length}.");
            }

            var query = fields[queryColumn].Trim();
            var product = fields[productColumn].Trim();
            if (query.Length == 0 || product.Length == 0)
            {
                throw new InvalidDataException($"{path}:{i + 1}: the query or the product id is empty.");
            }

            if (!long.TryParse(fields[clicksColumn].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 0)
            {
                throw new InvalidDataException($"{path}:{i + 1}: clicks must be a whole number of 0 or more, not '{fields[clicksColumn]}'.");
            }

            clicks[(query, product)] = clicks.GetValueOrDefault((query, product)) + count;
        }

        var pairs = clicks
            .Where(c => c.Value > 0 && catalogue.ContainsKey(c.Key.Product))
            .OrderBy(c => c.Key.Query, StringComparer.Ordinal).ThenBy(c => c.Key.Product, StringComparer.Ordinal)
            .Select(c => new TrainingPair(c.Key.Query, c.Key.Query, c.Key.Product, catalogue[c.Key.Product]))
            .ToList();
        return new TrainingData(pairs, catalogue, $"clicks {Path.GetFileName(path)}");
    }

    /// <summary>
    /// Self-supervised pairs for a catalogue with neither judgements nor clicks: the query is the
    /// product's title (<see cref="SelfSupervisedQuery.Title"/>), a seeded run of 2 to 6 of its
    /// words, shaped like a shopper's keywords (<see cref="SelfSupervisedQuery.TitleSpan"/>), or 2 to 6
    /// of its words from anywhere in it (<see cref="SelfSupervisedQuery.TitleWords"/>); the
    /// document is the rest of its text, without the title, so that the pair is not matched by the
    /// title's words alone. With spans or words, <paramref name="spansPerProduct"/> draws give each
    /// product up to that many pairs with different queries (each its own query key; a batch still
    /// never holds the product twice).
    /// </summary>
    public static TrainingData SelfSupervised(IReadOnlyList<Product> products, ProductTextComposer composer, ProductTextOptions textOptions, SelfSupervisedQuery query = SelfSupervisedQuery.Title, int seed = 42, int spansPerProduct = 1)
    {
        ArgumentNullException.ThrowIfNull(textOptions);
        ArgumentOutOfRangeException.ThrowIfLessThan(spansPerProduct, 1);
        if (spansPerProduct > 1 && query is SelfSupervisedQuery.Title or SelfSupervisedQuery.Category)
        {
            throw new ArgumentException("Several pairs per product need title spans or words; the whole title or the category would repeat one pair.", nameof(spansPerProduct));
        }

        var random = new Random(seed);
        var catalogue = Texts(products, composer);
        var left = query == SelfSupervisedQuery.Category ? ProductTextField.Category : ProductTextField.Title;
        var document = new ProductTextComposer(new ProductTextOptions
        {
            Fields = [.. textOptions.EffectiveFields.Where(f => f != left)],
            CategorySeparator = textOptions.CategorySeparator,
            MaxCharacters = textOptions.MaxCharacters,
        });
        var pairs = new List<TrainingPair>();
        foreach (var product in products)
        {
            var rest = document.Compose(product);
            if (!string.IsNullOrWhiteSpace(product.Title) && !string.IsNullOrWhiteSpace(rest))
            {
                if (query == SelfSupervisedQuery.Title)
                {
                    pairs.Add(new TrainingPair(product.Id, product.Title, product.Id, rest));
                    continue;
                }

                if (query == SelfSupervisedQuery.Category)
                {
                    if (CategoryQuery(product, random) is { } text)
                    {
                        pairs.Add(new TrainingPair(text, text, product.Id, rest));
                    }

                    continue;
                }

                var spans = new HashSet<string>(StringComparer.Ordinal);
                for (var draw = 0; draw < spansPerProduct; draw++)
                {
                    var span = query == SelfSupervisedQuery.TitleSpan ? TitleSpan(product.Title, random) : TitleWords(product.Title, random);
                    if (spans.Add(span))
                    {
                        pairs.Add(new TrainingPair(spans.Count == 1 ? product.Id : $"{product.Id}#{spans.Count}", span, product.Id, rest));
                    }
                }
            }
        }

        var form = query switch
        {
            SelfSupervisedQuery.TitleSpan => "a run of 2 to 6 title words to the rest of the product text",
            SelfSupervisedQuery.TitleWords => "2 to 6 title words in their order to the rest of the product text",
            SelfSupervisedQuery.Category => "the category leaf, half of them after the brand, to the product text without its category",
            _ => "title to the rest of the product text",
        };
        return new TrainingData(pairs, catalogue, $"self-supervised ({form})");
    }

    /// <summary>A run of 2 to 6 consecutive words of <paramref name="title"/> (the whole title when it has 3 words or fewer).</summary>
    internal static string TitleSpan(string title, Random random)
    {
        var words = title.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length <= 3)
        {
            return string.Join(' ', words);
        }

        var length = random.Next(2, Math.Min(6, words.Length) + 1);
        var start = random.Next(0, words.Length - length + 1);
        return string.Join(' ', words, start, length);
    }

    /// <summary>The lower-cased leaf of the product's category, after its brand on a seeded half of the products; null without a category.</summary>
    internal static string? CategoryQuery(Product product, Random random)
    {
        var leaf = product.Category.Count > 0 ? product.Category[^1].Trim() : "";
        if (leaf.Length == 0)
        {
            return null;
        }

        var brand = product.Brand?.Trim() ?? "";
        var withBrand = random.Next(2) == 0 && brand.Length > 0 && !leaf.Contains(brand, StringComparison.OrdinalIgnoreCase);
        return (withBrand ? $"{brand} {leaf}" : leaf).ToLowerInvariant();
    }

    /// <summary>
    /// 2 to 6 words of <paramref name="title"/> drawn without replacement from anywhere in it and
    /// kept in the title's order; tokens without a letter or digit are dropped and trailing commas
    /// trimmed (all the words when 3 or fewer remain).
    /// </summary>
    internal static string TitleWords(string title, Random random)
    {
        var words = title.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.TrimEnd(',', ';', ':'))
            .Where(w => w.Any(char.IsLetterOrDigit))
            .ToArray();
        if (words.Length <= 3)
        {
            return string.Join(' ', words);
        }

        var count = random.Next(2, Math.Min(6, words.Length) + 1);
        var picked = Enumerable.Range(0, words.Length).ToArray();
        random.Shuffle(picked);
        return string.Join(' ', picked.Take(count).Order().Select(i => words[i]));
    }

    /// <summary>
    /// Adds hard negatives mined from an index: for each query, the highest-ranked products of
    /// <paramref name="rankings"/> (the current model's search for the query's text, best first)
    /// that are neither a positive of that query nor judged relevant to it (gain above 0) become,
    /// in rank order, the negatives of its pairs that have none, in the form the pairs' documents
    /// take. Pairs with a judged negative keep it. Unjudged products count as negatives, so a catalogue with near-duplicates of a positive
    /// may teach a false negative: skip the top <paramref name="skip"/> ranks to leave those out.
    /// </summary>
    /// <param name="data">The pairs to add negatives to.</param>
    /// <param name="rankings">Ranked product ids by query key.</param>
    /// <param name="skip">Ranks left out from the top before mining.</param>
    public static TrainingData WithMinedNegatives(TrainingData data, IReadOnlyDictionary<string, IReadOnlyList<string>> rankings, int skip = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(rankings);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        var positives = data.Pairs.GroupBy(p => p.QueryKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(p => p.ProductId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

        var documents = DocumentsOf(data);
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new List<TrainingPair>(data.Pairs.Count);
        foreach (var pair in data.Pairs)
        {
            if (pair.Negative is not null || !rankings.TryGetValue(pair.QueryKey, out var ranked))
            {
                pairs.Add(pair);
                continue;
            }

            var judged = data.Judged is not null && data.Judged.TryGetValue(pair.QueryKey, out var j) ? j : null;
            var mined = ranked.Skip(skip)
                .Where(id => !positives[pair.QueryKey].Contains(id) && !(judged is not null && judged.TryGetValue(id, out var gain) && gain > 0) && data.Catalogue.ContainsKey(id))
                .ToList();
            if (mined.Count == 0)
            {
                pairs.Add(pair);
                continue;
            }

            var n = next.GetValueOrDefault(pair.QueryKey);
            next[pair.QueryKey] = n + 1;
            pairs.Add(pair with { Negative = documents[mined[n % mined.Count]] });
        }

        return data with { Pairs = pairs, Source = data.Source + $", negatives mined from the index (ranks from {skip + 1})" };
    }

    /// <summary>
    /// Turns a seeded <paramref name="share"/> of the pairs into negated queries, the form of the
    /// shopper's "water bottle without straw": the pair's query gains "without <i>w</i>", where
    /// <i>w</i> is a feature word of a similar product's title (one of the ten titles sharing most
    /// with this product's) that the pair's product does not have, or has only negated ("no straw", "straw-free"); that
    /// similar product becomes the pair's hard negative. The dense model otherwise reads "without
    /// straw" as "straw". Pairs that have a negative, queries with a negation already, and products
    /// with no such neighbour are left as they are; the other pairs' draws do not change.
    /// </summary>
    /// <param name="data">The pairs (self-supervised spans or words, typically) to rewrite.</param>
    /// <param name="products">The catalogue the pairs come from: titles and texts are read from it.</param>
    /// <param name="share">Share of the pairs to rewrite, 0 to 1.</param>
    /// <param name="seed">Seed of which pairs, neighbours and words are drawn.</param>
    public static TrainingData WithNegatedQueries(TrainingData data, IReadOnlyList<Product> products, double share, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(products);
        if (double.IsNaN(share) || share is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The share of negated queries is from 0 to 1.");
        }

        var analyzer = new LexicalAnalyzer(stemming: true);
        var byId = new Dictionary<string, int>(products.Count, StringComparer.Ordinal);
        var titles = new string[products.Count][];
        var has = new HashSet<string>[products.Count];
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var titleTerms = products.Select(p => analyzer.Analyze(p.Title)).ToArray();
        var features = FeatureWords(titleTerms);
        for (var i = 0; i < products.Count; i++)
        {
            var product = products[i];
            byId.TryAdd(product.Id, i);
            var brand = analyzer.Analyze(product.Brand).ToHashSet(StringComparer.Ordinal);
            titles[i] = [.. titleTerms[i].Where(t => IsContentWord(t) && !brand.Contains(t)).Distinct(StringComparer.Ordinal)];
            has[i] = AffirmedTerms(analyzer.Analyze(data.Catalogue.GetValueOrDefault(product.Id, product.Title ?? "")));
            foreach (var term in titles[i])
            {
                (postings.TryGetValue(term, out var list) ? list : postings[term] = []).Add(i);
            }
        }

        var idf = postings.ToDictionary(p => p.Key, p => Math.Log((double)products.Count / p.Value.Count), StringComparer.Ordinal);

        var documents = DocumentsOf(data);
        var random = new Random(seed);
        var overlap = new Dictionary<int, double>();
        var rewritten = 0;
        var pairs = new List<TrainingPair>(data.Pairs.Count);
        foreach (var pair in data.Pairs)
        {
            var draw = random.NextDouble();
            var queryTerms = analyzer.Analyze(pair.Query);
            if (draw >= share || pair.Negative is not null || !byId.TryGetValue(pair.ProductId, out var self) || queryTerms.Any(NegationWords.Contains))
            {
                pairs.Add(pair);
                continue;
            }

            overlap.Clear();
            foreach (var term in titles[self])
            {
                foreach (var other in postings.GetValueOrDefault(term) ?? [])
                {
                    overlap[other] = overlap.GetValueOrDefault(other) + idf[term];
                }
            }

            // Among the products whose titles share most with this one's (rare words counting
            // more), those that name a feature this product lacks; one of them, and one such
            // feature of it, drawn.
            var candidates = overlap.Where(o => o.Key != self && documents.ContainsKey(products[o.Key].Id))
                .OrderByDescending(o => o.Value).ThenBy(o => o.Key)
                .Take(NegationNeighbours)
                .Select(o => (Product: o.Key, Words: titles[o.Key].Where(t => features.Contains(t) && has[o.Key].Contains(t) && !has[self].Contains(t) && !queryTerms.Contains(t)).ToArray()))
                .Where(c => c.Words.Length > 0)
                .ToList();
            if (candidates.Count == 0)
            {
                pairs.Add(pair);
                continue;
            }

            var (neighbour, words) = candidates[random.Next(candidates.Count)];
            var word = words[random.Next(words.Length)];
            pairs.Add(pair with { Query = $"{pair.Query.TrimEnd(',', ';', ':', ' ')} without {word}", Negative = documents[products[neighbour].Id] });
            rewritten++;
        }

        return data with { Pairs = pairs, Source = data.Source + string.Create(CultureInfo.InvariantCulture, $", {rewritten} of them negated (share {share}: \"… without w\" against a similar product that has w)") };
    }

    /// <summary>How many of the most similar titles a negated query's neighbour is drawn from.</summary>
    private const int NegationNeighbours = 10;

    private static readonly FrozenSet<string> NegationWords = new[] { "without", "no", "non", "free", "not", "less" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Words a negated query can name: letters only, 3 or more of them, not a function word, a negation or a unit.</summary>
    private static bool IsContentWord(string term) =>
        term.Length >= 3 && term.All(char.IsAsciiLetter) && !LexicalAnalyzer.StopWords.Contains(term) && !NegationWords.Contains(term) && !UnitWords.Contains(term);

    private static readonly FrozenSet<string> UnitWords = new[]
    {
        "pack", "count", "piece", "set", "size", "inch", "ounce", "pound", "lbs", "feet", "foot", "gallon", "liter", "mm", "cm", "new", "one", "two", "three", "all", "men", "women", "kid",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The catalogue's feature words, the ones a negation can sensibly name: terms that titles put
    /// after "with", "without" or "no" or before "free" at least twice, and in at least 1 of 20 of
    /// the titles that have them ("straw", "lid", "overflow"; not "black", which follows "with" in
    /// only a few of its titles).
    /// </summary>
    private static HashSet<string> FeatureWords(IReadOnlyList<List<string>> titles)
    {
        var asFeature = new Dictionary<string, int>(StringComparer.Ordinal);
        var inTitles = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var terms in titles)
        {
            var featured = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < terms.Count; i++)
            {
                if ((i > 0 && terms[i - 1] is "with" or "without" or "no") || (i + 1 < terms.Count && terms[i + 1] == "free"))
                {
                    featured.Add(terms[i]);
                }
            }

            foreach (var term in terms.Distinct(StringComparer.Ordinal))
            {
                inTitles[term] = inTitles.GetValueOrDefault(term) + 1;
                if (featured.Contains(term))
                {
                    asFeature[term] = asFeature.GetValueOrDefault(term) + 1;
                }
            }
        }

        return asFeature.Where(f => IsContentWord(f.Key) && f.Value >= 2 && f.Value * 20 >= inTitles[f.Key]).Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The terms of a text that it affirms: all but those after "without", "no" or "non" and before "free" or "less".</summary>
    private static HashSet<string> AffirmedTerms(List<string> terms)
    {
        var affirmed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < terms.Count; i++)
        {
            var negated = (i > 0 && terms[i - 1] is "without" or "no" or "non") || (i + 1 < terms.Count && terms[i + 1] is "free" or "less");
            if (!negated)
            {
                affirmed.Add(terms[i]);
            }
        }

        return affirmed;
    }

    /// <summary>A product's text as these pairs' documents read (self-supervised pairs leave the title out), its catalogue text where no pair has it.</summary>
    private static Dictionary<string, string> DocumentsOf(TrainingData data)
    {
        var documents = new Dictionary<string, string>(data.Catalogue, StringComparer.Ordinal);
        foreach (var pair in data.Pairs)
        {
            documents[pair.ProductId] = pair.Document;
        }

        return documents;
    }

    private static Dictionary<string, string> Texts(IReadOnlyList<Product> products, ProductTextComposer composer)
    {
        ArgumentNullException.ThrowIfNull(products);
        ArgumentNullException.ThrowIfNull(composer);
        var texts = new Dictionary<string, string>(products.Count, StringComparer.Ordinal);
        foreach (var product in products)
        {
            texts[product.Id] = composer.Compose(product);
        }

        return texts;
    }
}
