using VectorIndexer.TestSupport;

namespace VectorIndexer.Deployment.Tests;

/// <summary>The deployment files of the repository, each read once.</summary>
internal static class Repository
{
    private static readonly Lazy<Compose> LazyCompose = new(() => Compose.Load(PathOf("docker-compose.yml")));
    private static readonly Lazy<Dockerfile> LazyDockerfile = new(() => Dockerfile.Load(PathOf(DockerfilePath)));
    private static readonly Lazy<ConfigurationCatalog> LazyCatalog = new(ConfigurationCatalog.FromTestOutput);

    /// <summary>The one Dockerfile of the images (compose builds every app service from it).</summary>
    public const string DockerfilePath = "infra/Dockerfile";

    /// <summary>The services compose builds from <see cref="DockerfilePath"/>: the processes of ours.</summary>
    public static readonly IReadOnlyList<string> AppServices = ["api", "worker", "worker-gpu"];

    /// <summary>The workers (Hangfire servers).</summary>
    public static readonly IReadOnlyList<string> WorkerServices = ["worker", "worker-gpu"];

    public static Compose Compose => LazyCompose.Value;

    public static Dockerfile Dockerfile => LazyDockerfile.Value;

    public static ConfigurationCatalog Catalog => LazyCatalog.Value;

    public static string PathOf(string relative) => TestData.InRepository(relative.Split('/'));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));
}
