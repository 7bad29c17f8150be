using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Embedded.Tests;

public sealed class RegistrationTests : IDisposable
{
    private readonly TempDirectory _contentRoot = new();

    [Fact]
    public async Task AddEmbeddedProductIndex_ServesOneIndex_InTheDataDirectoryUnderTheContentRoot()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["Index:Embedded:DataDirectory"] = "state/index",
            ["Index:Embedded:Synchronous"] = "Normal",
            ["Index:Embedded:FilterableAttributes:0"] = "material",
        });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var index = provider.GetRequiredService<IProductIndex>();
        var embedded = provider.GetRequiredService<EmbeddedProductIndex>();
        await index.CreateGenerationAsync(new IndexModel("m", 2), TestContext.Current.CancellationToken);

        Assert.Same(embedded, index);
        Assert.Same(index, provider.GetRequiredService<IProductIndex>());
        Assert.Equal(Path.Combine(_contentRoot.Path, "state", "index", "index.db"), embedded.DatabasePath);
        Assert.True(File.Exists(embedded.DatabasePath));
        Assert.Contains("attributes.material", embedded.Schema.Fields.Keys);
    }

    [Fact]
    public void AddEmbeddedProductIndex_ByDefault_UsesDataIndexAndFullSync()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<EmbeddedIndexOptions>>().Value;
        var index = provider.GetRequiredService<EmbeddedProductIndex>();

        Assert.Equal("data/index", options.DataDirectory);
        Assert.Equal(EmbeddedSynchronousMode.Full, options.Synchronous);
        Assert.Equal(Path.Combine(_contentRoot.Path, "data", "index", "index.db"), index.DatabasePath);
    }

    [Theory]
    [InlineData("Index:Embedded:DataDirectory", "", "DataDirectory")]
    [InlineData("Index:Embedded:FilterableAttributes:0", " ", "FilterableAttributes")]
    public void AddEmbeddedProductIndex_WithABadSetting_FailsAtStartNamingIt(string key, string value, string named)
    {
        using var provider = Build(new Dictionary<string, string?> { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEmbeddedProductIndex_WithAnUnknownSynchronousMode_FailsNamingTheValue()
    {
        using var provider = Build(new Dictionary<string, string?> { ["Index:Embedded:Synchronous"] = "Sometimes" });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Sometimes", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _contentRoot.Dispose();

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(_contentRoot.Path));
        services.AddLogging();
        services.AddEmbeddedProductIndex();
        return services.BuildServiceProvider();
    }

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "VectorIndexer.Index.Embedded.Tests";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
