using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void AddQdrantProductIndex_BindsTheSection_AndServesOneIndexOverOneClient()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Index:Qdrant:Endpoint"] = "http://qdrant.internal:6334",
            ["Index:Qdrant:ApiKey"] = "secret",
            ["Index:Qdrant:CollectionPrefix"] = "catalogue",
            ["Index:Qdrant:FilterableAttributes:0"] = "material",
            ["Index:Qdrant:FilterableAttributes:1"] = "size",
            ["Index:Qdrant:UpsertBatchSize"] = "64",
            ["Index:Qdrant:MaxRetries"] = "2",
            ["Index:Qdrant:RetryBaseDelay"] = "00:00:00.050",
        });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<QdrantIndexOptions>>().Value;
        var index = provider.GetRequiredService<IProductIndex>();
        var qdrant = Assert.IsType<QdrantProductIndex>(index);

        Assert.Equal(new Uri("http://qdrant.internal:6334"), options.Endpoint);
        Assert.Equal("secret", options.ApiKey);
        Assert.Equal(["material", "size"], options.FilterableAttributes);
        Assert.Equal(64, options.UpsertBatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.RetryBaseDelay);
        Assert.Same(index, provider.GetRequiredService<QdrantProductIndex>());
        Assert.Same(provider.GetRequiredService<QdrantClient>(), provider.GetRequiredService<QdrantClient>());
        Assert.Equal("catalogue-live", qdrant.LiveAlias);
        Assert.Contains("attributes.size", qdrant.Schema.Fields.Keys);
    }

    [Fact]
    public void AddQdrantProductIndex_Defaults_AreTheLocalServer()
    {
        using var provider = Build([]);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<QdrantIndexOptions>>().Value;

        Assert.Equal(new Uri("http://localhost:6334"), options.Endpoint);
        Assert.Equal("products", options.CollectionPrefix);
        Assert.False(options.TlsEnabled);
        Assert.Null(options.ApiKey);
        Assert.Equal("products-live", provider.GetRequiredService<QdrantProductIndex>().LiveAlias);
    }

    [Theory]
    [InlineData("Index:Qdrant:CollectionPrefix", "Products!", "CollectionPrefix")]
    [InlineData("Index:Qdrant:CollectionPrefix", "", "CollectionPrefix")]
    [InlineData("Index:Qdrant:Endpoint", "ftp://qdrant:6334", "Endpoint")]
    [InlineData("Index:Qdrant:UpsertBatchSize", "0", "UpsertBatchSize")]
    [InlineData("Index:Qdrant:MaxRetries", "-1", "MaxRetries")]
    [InlineData("Index:Qdrant:RequestTimeout", "00:00:00", "RequestTimeout")]
    [InlineData("Index:Qdrant:RetryMaxDelay", "00:00:00.010", "RetryMaxDelay")]
    [InlineData("Index:Qdrant:FilterableAttributes:0", "has space", "FilterableAttributes")]
    [InlineData("Index:Qdrant:CertificateThumbprint", "AB:CD", "CertificateThumbprint")]
    public void AddQdrantProductIndex_WithABadSetting_FailsAtStartNamingIt(string key, string value, string named)
    {
        using var provider = Build(new Dictionary<string, string?> { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ThumbprintWithoutTls_IsRejected_AndAcceptedWithTls()
    {
        var thumbprint = string.Join(":", Enumerable.Repeat("AB", 32));
        var plain = new QdrantIndexOptions { CertificateThumbprint = thumbprint };
        var tls = new QdrantIndexOptions { CertificateThumbprint = thumbprint, UseTls = true };

        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(plain.ThrowIfInvalid);
        tls.ThrowIfInvalid();

        Assert.Contains("needs TLS", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new Uri("https://localhost:6334"), tls.ChannelAddress);
        Assert.Equal(new Uri("http://localhost:6334"), plain.ChannelAddress);
    }

    [Fact]
    public void Options_ValidationMessages_NeverContainTheApiKey()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Index:Qdrant:ApiKey"] = "top-secret-key",
            ["Index:Qdrant:CollectionPrefix"] = "BAD PREFIX",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain("top-secret-key", ex.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddQdrantProductIndex();
        return services.BuildServiceProvider();
    }
}
