namespace VectorIndexer.Deployment.Tests;

/// <summary>
/// Every setting the deployment gives the apps (compose environment, image ENV) names a
/// configuration key that an options class of ours binds, found by reflection, so renaming a
/// setting fails here instead of being silently ignored in production.
/// </summary>
public sealed class SettingsTests
{
    /// <summary>Sections whose options class is being written; their keys are checked once it exists.</summary>
    private static readonly IReadOnlyList<string> PendingSections = ["Api"];

    public static TheoryData<string> AppServices() => new(Repository.AppServices);

    [Theory]
    [MemberData(nameof(AppServices))]
    public void ComposeEnvironment_NamesRealConfigurationKeys(string service)
    {
        var problems = Problems(Repository.Compose.Service(service).Environment, $"docker-compose.yml, service {service}", skipPending: true);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(AppServices))]
    public void ImageEnvironment_NamesRealConfigurationKeys(string service)
    {
        var target = Repository.Compose.Service(service).BuildTarget!;
        var environment = Repository.Dockerfile.Environment(Repository.Dockerfile.Stage(target));
        var problems = Problems(environment.ToDictionary(e => e.Key, e => (string?)e.Value), $"infra/Dockerfile, stage {target}", skipPending: true);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void ApiSettings_AreCheckedAgainstApiOptions_OnceTheClassExists()
    {
        var catalog = Repository.Catalog;
        var keys = Repository.AppServices
            .SelectMany(s => Repository.Compose.Service(s).Environment)
            .Where(e => ConfigurationCatalog.KeyOfEnvironmentVariable(e.Key) is { } key && PendingSections.Contains(key.Split(':')[0]))
            .ToDictionary(e => e.Key, e => e.Value);
        Assert.NotEmpty(keys);

        var missing = PendingSections.Where(s => !catalog.Sections.ContainsKey(s)).ToList();
        if (missing.Count > 0)
        {
            Assert.Skip($"No options class with SectionName {string.Join(", ", missing.Select(s => $"'{s}'"))} in the VectorIndexer assemblies yet: {string.Join(", ", keys.Keys)} are not checked.");
        }

        var problems = Problems(keys, "docker-compose.yml", skipPending: false);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Catalog_FindsTheOptionsOfEveryHostLibrary()
    {
        var sections = Repository.Catalog.Sections.Keys.ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["Embedding", "ProductText", "Index:Embedded", "Index:Qdrant", "Worker", "Search"], StringComparer.Ordinal), sections);
        Assert.Contains("Index:Provider", Repository.Catalog.Keys);
        Assert.Contains("Hangfire", Repository.Catalog.ConnectionStringNames);
    }

    [Theory]
    [InlineData("Index:Qdrant:ApiKey")]
    [InlineData("index:qdrant:apikey")] // the binder ignores case
    [InlineData("Worker:Dashboard:ApiKey")]
    [InlineData("Worker:RecurringReindex:Cron")]
    [InlineData("Index:Qdrant:FilterableAttributes:0")]
    [InlineData("Index:Provider")]
    [InlineData("ConnectionStrings:Hangfire")]
    public void Catalog_ResolvesKeysTheHostsRead(string key)
    {
        var resolution = Repository.Catalog.Resolve(key);
        Assert.True(resolution.Found, resolution.Problem);
    }

    [Theory]
    [InlineData("Index:Qdrant:ApiKeys")]            // a renamed or mistyped property
    [InlineData("Indexes:Qdrant:ApiKey")]           // a section that does not exist
    [InlineData("Worker:Dashboard")]                // a section, not a value
    [InlineData("Worker:Storage:Kind")]             // below a value
    [InlineData("Index:Qdrant:FilterableAttributes:first")] // a list needs an index
    [InlineData("Index:Qdrant:TlsEnabled")]         // computed, no setter
    [InlineData("ConnectionStrings:Jobs")]          // a connection string nobody reads
    public void Catalog_RejectsKeysNothingBinds(string key)
    {
        Assert.False(Repository.Catalog.Resolve(key).Found, $"'{key}' should bind to nothing.");
    }

    [Theory]
    [InlineData("Worker:Storage", "postgres")]      // the enum value is postgresql
    [InlineData("Worker:WorkerCount", "0")]         // [Range(1, 64)]
    [InlineData("Embedding:MaxBatchSize", "lots")]
    [InlineData("Index:Qdrant:RequestTimeout", "30 seconds")]
    public void LiteralValues_ThatWouldNotBind_AreReported(string key, string value)
    {
        var resolution = Repository.Catalog.Resolve(key);
        Assert.True(resolution.Found, resolution.Problem);
        Assert.NotNull(ConfigurationCatalog.CheckLiteralValue(resolution, value));
    }

    private static List<string> Problems(IReadOnlyDictionary<string, string?> environment, string where, bool skipPending)
    {
        var catalog = Repository.Catalog;
        var problems = new List<string>();
        foreach (var (name, value) in environment)
        {
            var key = ConfigurationCatalog.KeyOfEnvironmentVariable(name);
            if (key is null || ConfigurationCatalog.IsFrameworkKey(key))
            {
                continue;
            }

            if (!name.Contains("__", StringComparison.Ordinal))
            {
                problems.Add($"{where}: '{name}' is neither a configuration key (Section__Key) nor a platform variable ({string.Join(", ", ConfigurationCatalog.PlatformVariablePrefixes)}*).");
                continue;
            }

            var section = key.Split(':')[0];
            if (skipPending && PendingSections.Contains(section) && !catalog.Sections.ContainsKey(section))
            {
                continue; // reported as skipped by ApiSettings_AreCheckedAgainstApiOptions_OnceTheClassExists
            }

            var resolution = catalog.Resolve(key);
            if (!resolution.Found)
            {
                problems.Add($"{where}: {name} (= {key}) binds to nothing: {resolution.Problem}.");
            }
            else if (value is not null && !value.Contains('$', StringComparison.Ordinal)
                && ConfigurationCatalog.CheckLiteralValue(resolution, value) is { } invalid)
            {
                problems.Add($"{where}: {name}: {invalid}.");
            }
        }

        return problems;
    }
}
