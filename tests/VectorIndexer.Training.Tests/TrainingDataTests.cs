using VectorIndexer.Core;
using VectorIndexer.Evaluation;

namespace VectorIndexer.Training.Tests;

public sealed class TrainingDataTests
{
    private static readonly Product[] Products =
    [
        P("mug"), P("mug-2"), P("plate"), P("bowl"), P("tent"), P("spoon"),
    ];

    [Fact]
    public void MinedNegatives_AreTheTopRankedThatAreNeitherPositivesNorJudgedRelevant_AndFillOnlyPairsWithoutOne()
    {
        var judgements = new RelevanceJudgements(new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            ["q1"] = new Dictionary<string, double> { ["mug"] = 3, ["mug-2"] = 1 },
            ["q2"] = new Dictionary<string, double> { ["tent"] = 3, ["spoon"] = 0 },
        });
        var data = TrainingDataSources.FromJudgements(Products, new ProductTextComposer(), [new EvaluationQuery("q1", "red mug"), new EvaluationQuery("q2", "tent")], judgements);
        var rankings = new Dictionary<string, IReadOnlyList<string>>
        {
            ["q1"] = ["mug", "mug-2", "plate", "bowl"],
            ["q2"] = ["tent", "bowl"],
        };

        var mined = TrainingDataSources.WithMinedNegatives(data, rankings);

        var q1 = Assert.Single(mined.Pairs, p => p.QueryKey == "q1");
        Assert.Equal(data.Catalogue["plate"], q1.Negative); // mug is the positive, mug-2 judged relevant (gain 1)
        var q2 = Assert.Single(mined.Pairs, p => p.QueryKey == "q2");
        Assert.Equal(data.Catalogue["spoon"], q2.Negative); // the judged negative is kept
        Assert.Contains("mined", mined.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void MinedNegatives_SkipTheTopRanks_AndLeaveAPairAloneWhenNothingIsLeft()
    {
        var data = TrainingDataSources.SelfSupervised([P("a", "Alpha kettle"), P("b", "Beta kettle"), P("c", "Gamma kettle")], new ProductTextComposer(), new ProductTextOptions());
        var rankings = new Dictionary<string, IReadOnlyList<string>>
        {
            ["a"] = ["a", "b", "c"],
            ["b"] = ["b"],
        };

        var mined = TrainingDataSources.WithMinedNegatives(data, rankings, skip: 2);

        // In the form of a self-supervised document: without its title, as the positives are.
        Assert.Equal(data.Pairs.Single(p => p.ProductId == "c").Document, mined.Pairs.Single(p => p.QueryKey == "a").Negative);
        Assert.DoesNotContain("Gamma", mined.Pairs.Single(p => p.QueryKey == "a").Negative, StringComparison.Ordinal);
        Assert.Null(mined.Pairs.Single(p => p.QueryKey == "b").Negative);
        Assert.Null(mined.Pairs.Single(p => p.QueryKey == "c").Negative);
    }

    [Fact]
    public void TitleSpanQueries_AreRunsOfTwoToSixTitleWords_TheSameForTheSameSeed()
    {
        Product[] products =
        [
            P("long", "Stainless Steel Insulated Water Bottle with Straw Lid 32 oz Blue"),
            P("short", "Camping Tent"),
            P("three", "Red Ceramic Mug"),
        ];

        var data = TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.TitleSpan, seed: 7);
        var again = TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.TitleSpan, seed: 7);

        var span = data.Pairs.Single(p => p.ProductId == "long").Query;
        var words = span.Split(' ');
        Assert.InRange(words.Length, 2, 6);
        Assert.Contains(span, products[0].Title, StringComparison.Ordinal); // consecutive words of the title
        Assert.Equal("Camping Tent", data.Pairs.Single(p => p.ProductId == "short").Query);
        Assert.Equal("Red Ceramic Mug", data.Pairs.Single(p => p.ProductId == "three").Query);
        Assert.Equal(data.Pairs.Select(p => p.Query), again.Pairs.Select(p => p.Query));
        Assert.DoesNotContain("Insulated", data.Pairs.Single(p => p.ProductId == "long").Document, StringComparison.Ordinal); // the document still leaves the title out
        Assert.Contains("title words", data.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void TitleSpans_CoverEveryLengthAndPosition_OverManyDraws()
    {
        var random = new Random(1);
        var title = "one two three four five six seven eight";
        var spans = Enumerable.Range(0, 2000).Select(_ => TrainingDataSources.TitleSpan(title, random)).ToList();

        Assert.All(spans, s => Assert.Contains(s, title, StringComparison.Ordinal));
        Assert.Equal([2, 3, 4, 5, 6], spans.Select(s => s.Split(' ').Length).Distinct().Order());
        Assert.Contains(spans, s => s.StartsWith("one ", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.EndsWith(" eight", StringComparison.Ordinal));
    }

    [Fact]
    public void TitleWords_AreTwoToSixTitleWordsInTheirOrder_FromAnywhere_WithoutPunctuation()
    {
        var random = new Random(5);
        var title = "Zilpoo Flatware Tray - with Hinged Lid, Kitchen | Cutlery Organizer";
        string[] order = ["Zilpoo", "Flatware", "Tray", "with", "Hinged", "Lid", "Kitchen", "Cutlery", "Organizer"];
        var drawn = Enumerable.Range(0, 2000).Select(_ => TrainingDataSources.TitleWords(title, random)).ToList();

        Assert.All(drawn, q =>
        {
            var positions = q.Split(' ').Select(w => Array.IndexOf(order, w)).ToArray();
            Assert.DoesNotContain(-1, positions); // no "-", "|" or "Lid," tokens
            Assert.Equal(positions.Order(), positions); // the title's order
        });
        Assert.Equal([2, 3, 4, 5, 6], drawn.Select(q => q.Split(' ').Length).Distinct().Order());
        Assert.Contains(drawn, q => q.Split(' ') is var w && Array.IndexOf(order, w[1]) - Array.IndexOf(order, w[0]) > 1); // words need not stand together
        Assert.Contains(drawn, q => q == "Zilpoo Organizer");
        Assert.Equal("Red Mug", TrainingDataSources.TitleWords("Red - Mug", new Random(1)));
    }

    [Fact]
    public void CategoryQueries_AreTheLeafAfterTheBrandOnHalf_KeyedByTheQuery_WithTheCategoryLeftOutOfTheDocument()
    {
        Product[] products =
        [
            .. Enumerable.Range(0, 40).Select(i => new Product { Id = $"s{i}", Title = $"Cozy Slipper {i}", Brand = "UGG", Category = ["Shoes", "House Slippers"], Description = "Warm wool." }),
            new Product { Id = "none", Title = "Loose Part", Description = "No category." },
        ];

        var data = TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.Category, seed: 2);

        Assert.Equal(40, data.Pairs.Count); // the product without a category gives no pair
        Assert.Equal(["house slippers", "ugg house slippers"], data.Pairs.Select(p => p.Query).Distinct().Order());
        Assert.InRange(data.Pairs.Count(p => p.Query == "house slippers"), 10, 30);
        Assert.All(data.Pairs, p => Assert.Equal(p.Query, p.QueryKey)); // one query is never its own negative in a batch
        Assert.All(data.Pairs, p => Assert.DoesNotContain("House Slippers", p.Document, StringComparison.Ordinal));
        Assert.All(data.Pairs, p => Assert.Contains("Cozy Slipper", p.Document, StringComparison.Ordinal)); // the title stays
        Assert.EndsWith("to the product text without its category)", data.Source, StringComparison.Ordinal);
        Assert.Equal(1.0, data.JudgedFor("house slippers")[data.Pairs.First(p => p.Query == "house slippers").ProductId]);
        Assert.Throws<ArgumentException>(() => TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.Category, spansPerProduct: 2));
    }

    [Fact]
    public void SeveralSpansPerProduct_AreDifferentPairsUnderTheirOwnQueryKeys_AndRefusedForWholeTitles()
    {
        Product[] products = [P("long", "Stainless Steel Insulated Water Bottle with Straw Lid 32 oz Blue"), P("short", "Camping Tent")];

        var data = TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.TitleSpan, seed: 3, spansPerProduct: 4);

        var bottle = data.Pairs.Where(p => p.ProductId == "long").ToList();
        Assert.InRange(bottle.Count, 2, 4);
        Assert.Equal(bottle.Count, bottle.Select(p => p.Query).Distinct().Count());
        Assert.Equal(bottle.Count, bottle.Select(p => p.QueryKey).Distinct().Count());
        Assert.Equal("long", bottle[0].QueryKey);
        Assert.Single(data.Pairs, p => p.ProductId == "short"); // "Camping Tent" has one span: itself
        Assert.Throws<ArgumentException>(() => TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.Title, spansPerProduct: 2));
    }

    [Fact]
    public void NegatedQueries_NameAFeatureOfASimilarProductThatThisOneLacks_AndTakeThatProductAsTheNegative()
    {
        Product[] products =
        [
            P("bottle-a", "Kids Water Bottle with Chug Lid"),
            P("bottle-b", "Kids Water Bottle with Straw Lid"),
            P("bottle-c", "Kids Water Bottle with Straw"),
            new() { Id = "bottle-d", Title = "Kids Water Bottle Spout Lid", Description = "About bottle-d: no straw to clean." },
            P("cup", "Kids Cup with Straw"),
            P("tent", "Camping Tent"),
        ];
        var data = TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.TitleSpan, seed: 5);

        var negated = TrainingDataSources.WithNegatedQueries(data, products, share: 1, seed: 5);

        foreach (var id in new[] { "bottle-a", "bottle-d" })
        {
            // "straw" follows "with" in three titles; bottle-d says it has none, so it is not affirmed.
            var before = data.Pairs.Single(p => p.ProductId == id);
            var after = negated.Pairs.Single(p => p.ProductId == id);
            Assert.Equal($"{before.Query} without straw", after.Query);
            Assert.Equal(before.Document, after.Document);
            var negative = Assert.Single(data.Pairs, p => p.Document == after.Negative);
            Assert.Contains("Straw", products.Single(p => p.Id == negative.ProductId).Title, StringComparison.Ordinal);
        }

        // Nothing similar to a tent names a feature; "chug" follows "with" once only, so no title is negated by it.
        Assert.Equal(data.Pairs.Single(p => p.ProductId == "tent"), negated.Pairs.Single(p => p.ProductId == "tent"));
        Assert.DoesNotContain(negated.Pairs, p => p.Query.EndsWith("without chug", StringComparison.Ordinal));
        Assert.Contains("negated", negated.Source, StringComparison.Ordinal);
        Assert.Equal(data.Pairs.Select(p => p.QueryKey), negated.Pairs.Select(p => p.QueryKey));
    }

    [Fact]
    public void NegatedQueries_ShareZeroChangesNothing_TheSameSeedGivesTheSamePairs_AndABadShareIsRefused()
    {
        Product[] products = [P("a", "Travel Mug with Lid"), P("b", "Travel Mug with Handle"), P("c", "Coffee Mug with Handle"), P("d", "Tea Mug with Lid")];
        var data = TrainingDataSources.SelfSupervised(products, new ProductTextComposer(), new ProductTextOptions(), SelfSupervisedQuery.TitleSpan, seed: 1);

        Assert.Equal(data.Pairs, TrainingDataSources.WithNegatedQueries(data, products, share: 0).Pairs);
        Assert.Equal(TrainingDataSources.WithNegatedQueries(data, products, 0.5, seed: 9).Pairs, TrainingDataSources.WithNegatedQueries(data, products, 0.5, seed: 9).Pairs);
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingDataSources.WithNegatedQueries(data, products, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingDataSources.WithNegatedQueries(data, products, double.NaN));
    }

    private static Product P(string id, string? title = null) =>
        new() { Id = id, Title = title ?? id, Description = $"About {id}: a thing for the home." };
}
