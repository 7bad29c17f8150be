using VectorIndexer.Core.Indexing;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Core.Tests;

public sealed class LexicalAnalyzerTests
{
    [Theory]
    [InlineData("Men's T-Shirt, 2-Pack", new[] { "men", "s", "t", "shirt", "2", "pack" })]
    [InlineData("Crème Brûlée  ÉCLAIR", new[] { "creme", "brulee", "eclair" })]
    [InlineData("Straße ﬁle ＵＳＢ３", new[] { "strasse", "file", "usb3" })]
    [InlineData("12\" x 9\"/cm", new[] { "12", "x", "9", "cm" })]
    [InlineData("", new string[0])]
    public void Analyze_FoldsLowerCasesAndSplitsOnNonAlphanumerics(string text, string[] expected)
    {
        Assert.Equal(expected, new LexicalAnalyzer(stemming: false).Analyze(text));
    }

    [Fact]
    public void Analyze_WithStopWordRemoval_DropsEnglishFunctionWords()
    {
        var terms = new LexicalAnalyzer(stemming: false, removeStopWords: true).Analyze("Keep the drinks cold on a hike, Bean-to-Cup");

        Assert.Equal(["keep", "drinks", "cold", "hike", "bean", "cup"], terms);
    }

    [Fact]
    public void Analyze_ByDefault_KeepsFunctionWords()
    {
        var terms = new LexicalAnalyzer(stemming: false).Analyze("on a hike");

        Assert.Equal(["on", "a", "hike"], terms);
    }

    [Fact]
    public void Analyze_AQueryOfOnlyFunctionWords_HasNoTerms()
    {
        Assert.Empty(new LexicalAnalyzer(removeStopWords: true).Analyze("The To On A"));
    }

    [Fact]
    public void Analyze_DropsOverlongTerms()
    {
        var terms = new LexicalAnalyzer().Analyze("ok " + new string('x', LexicalAnalyzer.MaxTermLength + 1));

        Assert.Equal(["ok"], terms);
    }

    [Theory]
    [InlineData("batteries", "battery")]
    [InlineData("shoes", "shoe")]
    [InlineData("sizes", "size")]
    [InlineData("boxes", "box")]
    [InlineData("watches", "watch")]
    [InlineData("glasses", "glass")]
    [InlineData("glass", "glass")]
    [InlineData("status", "status")]
    [InlineData("gas", "gas")]
    [InlineData("iphone", "iphone")]
    [InlineData("x100s", "x100s")]
    public void LightStemmer_FoldsPluralsOnly(string word, string stem)
    {
        Assert.Equal(stem, LightStemmer.Stem(word));
    }
}

public sealed class LexicalEncoderTests
{
    private static readonly string[] NameTerms = ["red", "mug", "acme"];

    private static readonly Product Mug = new() { Id = "m", Title = "Red mug", Brand = "Acme", Description = "A mug for coffee. Dishwasher safe mug." };

    [Fact]
    public void TermId_IsFnv1aOfUtf8_AndStable()
    {
        // FNV-1a 32 of "a" is 0xe40c292c (reference value of the algorithm).
        Assert.Equal(0xe40c292cu, LexicalEncoder.TermId("a"));
        Assert.Equal(LexicalEncoder.TermId("mug"), LexicalEncoder.TermId("mug"));
        Assert.NotEqual(LexicalEncoder.TermId("mug"), LexicalEncoder.TermId("mugs"));
    }

    [Fact]
    public void EncodeDocument_WeighsTitleTermsAboveDescriptionOnlyTerms_AndSortsIndices()
    {
        var document = new LexicalEncoder().EncodeDocument(Mug);

        Assert.True(document.Full.Indices.Zip(document.Full.Indices.Skip(1)).All(p => p.First < p.Second));
        Assert.True(Value(document.Full, "red") > Value(document.Full, "coffee"));
        Assert.True(Value(document.Full, "mug") > Value(document.Full, "red"));

        // The name vector holds the title and brand only.
        Assert.Equal(
            NameTerms.Select(LexicalEncoder.TermId).Order(),
            document.Name.Indices);
    }

    [Fact]
    public void EncodeDocument_SaturatesTermFrequency_BelowK1PlusOne()
    {
        var options = new LexicalOptions { K1 = 1.2 };
        var spammed = Mug with { Description = string.Join(' ', Enumerable.Repeat("coffee", 500)) };

        var value = Value(new LexicalEncoder(options).EncodeDocument(spammed).Full, "coffee");

        Assert.InRange(value, 1.5f, 2.2f);
    }

    [Fact]
    public void EncodeDocument_AFieldOfWeightZero_IsNotIndexed()
    {
        var options = new LexicalOptions();
        options.Description.Weight = 0;

        var document = new LexicalEncoder(options).EncodeDocument(Mug);

        Assert.DoesNotContain(LexicalEncoder.TermId("coffee"), document.Full.Indices);
    }

    [Fact]
    public void EncodeQuery_CountsRepeatedTerms()
    {
        var query = new LexicalEncoder().EncodeQuery("Mugs mug RED");

        Assert.Equal(2f, Value(query, "mug"));
        Assert.Equal(1f, Value(query, "red"));
        Assert.Equal(2, query.Count);
    }

    [Fact]
    public void EncodeQuery_WithStopWordsOn_TheDefault_LeavesFunctionWordsOut_AndOffKeepsThem()
    {
        var without = new LexicalEncoder().EncodeQuery("a mug for the road");
        var with = new LexicalEncoder(new LexicalOptions { StopWords = false }).EncodeQuery("a mug for the road");

        Assert.True(new LexicalOptions().StopWords);
        Assert.Equal(new LexicalEncoder().EncodeQuery("mug road").Indices, without.Indices);
        Assert.Equal(5, with.Count);
    }

    [Fact]
    public void Idf_MatchesQdrantsFormula()
    {
        Assert.Equal(Math.Log(1 + ((100 - 10 + 0.5) / (10 + 0.5))), LexicalEncoder.Idf(100, 10), 12);
        Assert.True(LexicalEncoder.Idf(100, 100) > 0);
    }

    [Fact]
    public void Options_OutOfRange_AreReportedByName()
    {
        var options = new LexicalOptions { K1 = 0, B = 1.5 };
        options.Title.AverageLength = 0;

        var errors = options.Validate("Index:Embedded:Lexical");

        Assert.Contains(errors, e => e.StartsWith("Index:Embedded:Lexical:K1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Index:Embedded:Lexical:B", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Index:Embedded:Lexical:Title:AverageLength", StringComparison.Ordinal));
    }

    private static float Value(LexicalVector vector, string term)
    {
        var i = Array.IndexOf(vector.Indices, LexicalEncoder.TermId(term));
        Assert.True(i >= 0, $"'{term}' is not in the vector");
        return vector.Values[i];
    }
}

public sealed class FusionSettingsTests
{
    [Theory]
    [InlineData(60, 1f)]
    [InlineData(2, 3f)]
    [InlineData(0, 0.5f)]
    public void Contribution_EqualsQdrantsWeightedRrf_WithItsKOneHigher(int k, float weight)
    {
        var fusion = new FusionSettings(K: k);
        for (var position = 0; position < 20; position++)
        {
            // Qdrant: 1 / ((position + 1) / weight + k' - 1), position from 0, k' = k + 1.
            var qdrant = 1.0 / (((position + 1) / (double)weight) + (k + 1) - 1);
            Assert.Equal(qdrant, fusion.Contribution(position + 1, weight), 12);
        }
    }

    [Fact]
    public void Contribution_WithWeightOne_IsClassicRrf()
    {
        Assert.Equal(1.0 / 61, FusionSettings.Default.Contribution(1, 1), 12);
    }

    [Theory]
    [InlineData(-1, 1f, 1f, 100, 1f)]
    [InlineData(60, 0f, 1f, 100, 1f)]
    [InlineData(60, 1f, 101f, 100, 1f)]
    [InlineData(60, 1f, 1f, 0, 1f)]
    [InlineData(60, 1f, 1f, 100, -1f)]
    public void ThrowIfInvalid_RejectsOutOfRange(int k, float dense, float lexical, int depth, float name)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FusionSettings(k, dense, lexical, depth, name).ThrowIfInvalid());
    }

    [Fact]
    public void DistributionBounds_AreTheMeanPlusMinusThreeSampleDeviations_AsQdrantsDbsf()
    {
        float[] scores = [0.9f, 0.7f, 0.5f, 0.3f];

        var bounds = FusionSettings.DistributionBounds(scores);

        // mean 0.6; sample variance (0.09 + 0.01 + 0.01 + 0.09) / 3; sigma 0.2582.
        var sigma = Math.Sqrt(0.2 / 3);
        Assert.NotNull(bounds);
        Assert.Equal(0.6 - (3 * sigma), bounds.Value.Low, 6);
        Assert.Equal(0.6 + (3 * sigma), bounds.Value.High, 6);
        Assert.Equal(0.5, FusionSettings.Normalized(0.6f, bounds), 6);
        Assert.Equal(0.5 + (0.3 / (6 * sigma)), FusionSettings.Normalized(0.9f, bounds), 6);
    }

    [Fact]
    public void DistributionBounds_OfOneHitOrEqualScores_CountEachHitAsOneHalf()
    {
        Assert.Null(FusionSettings.DistributionBounds([0.8f]));
        Assert.Null(FusionSettings.DistributionBounds([0.4f, 0.4f, 0.4f]));
        Assert.Equal(0.5, FusionSettings.Normalized(0.8f, null));
    }

    [Theory]
    [InlineData(2f, 1f, 1f)]
    [InlineData(1f, 0.5f, 1f)]
    [InlineData(1f, 1f, 0.5f)]
    public void Dbsf_WithWeights_IsRejected_AsQdrantsIsUnweighted(float dense, float lexical, float name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new FusionSettings(DenseWeight: dense, LexicalWeight: lexical, NameWeight: name, Method: FusionMethod.Dbsf).ThrowIfInvalid());

        Assert.Contains("unweighted", error.Message, StringComparison.Ordinal);
        new FusionSettings(NameWeight: 0, Method: FusionMethod.Dbsf).ThrowIfInvalid();
    }

    [Fact]
    public void EffectiveDepth_CoversThePage()
    {
        Assert.Equal(100, FusionSettings.Default.EffectiveDepth(10));
        Assert.Equal(250, FusionSettings.Default.EffectiveDepth(250));
    }
}
