using System.ComponentModel.DataAnnotations;
using VectorIndexer.Api.Search;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api.Tests;

public sealed class SearchOptionsTests
{
    [Fact]
    public void DbsfWithAWeight_FailsValidation_NamingTheSettings()
    {
        var options = new SearchOptions { FusionMethod = FusionMethod.Dbsf, DenseWeight = 2 };

        var results = Validate(options);

        var error = Assert.Single(results);
        Assert.Contains("Search:FusionMethod dbsf", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Search:DenseWeight", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FusionMethod.Rrf, 2f)]
    [InlineData(FusionMethod.Dbsf, 1f)]
    public void RrfWithWeights_OrDbsfWithout_IsValid_AndReachesTheFusionSettings(FusionMethod method, float denseWeight)
    {
        var options = new SearchOptions { FusionMethod = method, DenseWeight = denseWeight, NameWeight = 0 };

        Assert.Empty(Validate(options));
        Assert.Equal(method, options.Fusion.Method);
        options.Fusion.ThrowIfInvalid();
    }

    private static List<ValidationResult> Validate(SearchOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
