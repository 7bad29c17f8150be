using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VectorIndexer.Core;

namespace VectorIndexer.Embedding.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task AddEmbedding_BindsTheEmbeddingSection_AndServesOneSharedEngine()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Embedding:Device"] = "cpu",
            ["Embedding:MaxLength"] = "128",
            ["ProductText:Fields:0"] = "Title",
        });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var engine = provider.GetRequiredService<OnnxEmbedder>();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var composer = provider.GetRequiredService<ProductTextComposer>();
        var embeddings = await generator.GenerateAsync(["desk lamp"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(engine, provider.GetRequiredService<OnnxEmbedder>());
        Assert.Equal(128, engine.MaxLength);
        Assert.Equal("CPUExecutionProvider", engine.ExecutionProvider);
        Assert.Equal(384, embeddings[0].Vector.Length);
        Assert.Equal("Lamp", composer.Compose(new Product { Id = "1", Title = "Lamp", Brand = "Acme" }));
    }

    [Theory]
    [InlineData("Embedding:MaxLength", "4", "MaxLength")]
    [InlineData("Embedding:MaxBatchSize", "0", "MaxBatchSize")]
    [InlineData("Embedding:MaxTokensPerBatch", "4", "MaxTokensPerBatch")]
    [InlineData("ProductText:MaxCharacters", "1", "MaxCharacters")]
    [InlineData("Embedding:Model", "bert-large", "Embedding:Model")]
    public void AddEmbedding_WithABadSetting_FailsAtStartNamingIt(string key, string value, string named)
    {
        using var provider = Build(new Dictionary<string, string?> { ["Embedding:Device"] = "cpu", [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEmbedding_WithAnUnknownDevice_FailsNamingTheValue()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Embedding:Device"] = "tpu" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("tpu", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddEmbedding();
        return services.BuildServiceProvider();
    }
}
