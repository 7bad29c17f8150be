using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace VectorIndexer.Deployment.Tests;

/// <summary>infra/Dockerfile: pinned bases in one place, the right SDK and runtime, non-root users, health checks, entry points.</summary>
public sealed partial class DockerfileTests
{
    private static Dockerfile Dockerfile => Repository.Dockerfile;

    [Fact]
    public void EveryFrom_IsAnEarlierStageOrAPinnedImage()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in Dockerfile.Stages)
        {
            if (!seen.Contains(stage.Base))
            {
                Assert.True(stage.BaseAsWritten.StartsWith("${", StringComparison.Ordinal),
                    $"Line {stage.Line}: FROM {stage.BaseAsWritten} names an image in place; declare it once as an ARG at the top.");
                var image = ImageReference.Parse(stage.Base);
                Assert.True(image.WhyNotPinned() is null, $"Line {stage.Line}: FROM {stage.Base} is not pinned: {image.WhyNotPinned()}.");
            }

            if (stage.Name is not null)
            {
                seen.Add(stage.Name);
            }
        }
    }

    [Fact]
    public void EveryImage_IsPinnedInOnePlace()
    {
        var dockerfile = Repository.Read(Repository.DockerfilePath);
        var compose = Repository.Read("docker-compose.yml");
        var images = Dockerfile.GlobalArgs.Values.Where(v => v.Contains('/', StringComparison.Ordinal) && v.Contains(':', StringComparison.Ordinal))
            .Concat(Repository.Compose.Services.Values.Select(s => s.Image).OfType<string>())
            .ToList();
        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            var occurrences = Regex.Count(dockerfile, Regex.Escape(image)) + Regex.Count(compose, Regex.Escape(image));
            Assert.True(occurrences == 1, $"'{image}' is written {occurrences} times across infra/Dockerfile and docker-compose.yml; keep one.");
        }

        var repositories = images.Select(ImageReference.Parse).GroupBy(i => i.Repository).Where(g => g.Select(i => i.ToString()).Distinct().Count() > 1).ToList();
        Assert.True(repositories.Count == 0, $"Several versions of one image: {string.Join(", ", repositories.Select(g => g.Key))}.");
    }

    [Fact]
    public void SdkImage_SatisfiesGlobalJson()
    {
        var sdk = ImageReference.Parse(Dockerfile.Stage("publish").Base);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk", sdk.Repository);
        var image = sdk.TagVersion!;

        using var globalJson = JsonDocument.Parse(Repository.Read("global.json"));
        var pinned = Version.Parse(globalJson.RootElement.GetProperty("sdk").GetProperty("version").GetString()!);
        var rollForward = globalJson.RootElement.GetProperty("sdk").TryGetProperty("rollForward", out var roll) ? roll.GetString()! : "latestPatch";

        // SDK versions are major.minor.(feature band * 100 + patch).
        var sameLine = image.Major == pinned.Major && image.Minor == pinned.Minor;
        var allowed = rollForward switch
        {
            "disable" => image == pinned,
            "patch" or "latestPatch" => sameLine && image.Build / 100 == pinned.Build / 100 && image.Build >= pinned.Build,
            "feature" or "latestFeature" => sameLine && image.Build >= pinned.Build,
            "minor" or "latestMinor" => image.Major == pinned.Major && image >= pinned,
            _ => image >= pinned,
        };
        Assert.True(allowed, $"global.json asks for SDK {pinned} ({rollForward}); the build image has {image}.");
    }

    [Fact]
    public void RuntimeImages_RunTheFrameworkTheProjectsTarget()
    {
        var props = XDocument.Load(Repository.PathOf("Directory.Build.props"));
        var framework = props.Descendants("TargetFramework").Single().Value; // net10.0
        var expected = Version.Parse(framework["net".Length..]);

        var runtime = ImageReference.Parse(Dockerfile.GlobalArgs["DOTNET_RUNTIME_IMAGE"]);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet", runtime.Repository);
        Assert.Equal((expected.Major, expected.Minor), (runtime.TagVersion!.Major, runtime.TagVersion.Minor));

        var sdk = ImageReference.Parse(Dockerfile.GlobalArgs["DOTNET_SDK_IMAGE"]);
        Assert.Equal((expected.Major, expected.Minor), (sdk.TagVersion!.Major, sdk.TagVersion.Minor));

        // The GPU image gets the same .NET runtime, copied from the runtime image.
        var gpu = Dockerfile.Stage("worker-gpu");
        var copy = Assert.Single(gpu.All("COPY"), c => c.Arguments.Contains("/usr/share/dotnet", StringComparison.Ordinal));
        var from = Regex.Match(copy.Arguments, "--from=(\\S+)").Groups[1].Value;
        Assert.Equal(runtime.ToString(), Dockerfile.Stage(from).Base);
    }

    [Fact]
    public void CudaImage_HasTheCudaMajorAndCuDnnTheOnnxRuntimeProviderLinks()
    {
        var cuda = ImageReference.Parse(Dockerfile.ExternalBase(Dockerfile.Stage("worker-gpu")));
        Assert.Equal("nvidia/cuda", cuda.Repository);
        Assert.Contains("-cudnn-runtime-", cuda.Tag, StringComparison.Ordinal);

        var provider = OnnxRuntimeCudaProvider();
        if (provider is null)
        {
            Assert.Skip("The ONNX Runtime GPU package (linux-x64) is not in the NuGet cache here: restore src/VectorIndexer.Worker.Host first.");
        }

        // What the provider links, as `readelf -d` lists it: libcudart.so.<CUDA major>.
        var cudart = Assert.Single(Elf.NeededLibraries(provider), n => n.StartsWith("libcudart.so.", StringComparison.Ordinal));
        var major = int.Parse(CudartSoname().Match(cudart).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(cuda.TagVersion!.Major == major, $"{Path.GetFileName(provider)} links libcudart.so.{major}; the GPU image is CUDA {cuda.TagVersion}.");
    }

    [Theory]
    [InlineData("api", "VectorIndexer.Api.Host")]
    [InlineData("worker", "VectorIndexer.Worker.Host")]
    [InlineData("worker-gpu", "VectorIndexer.Worker.Host")]
    public void AppImage_RunsItsHostAsANonRootUser_WithAHealthCheck(string target, string host)
    {
        var stage = Dockerfile.Stage(target);

        var user = Dockerfile.User(stage);
        Assert.True(user is not null, $"Stage '{target}' sets no USER: it would run as root.");
        var uid = user.Split(':')[0];
        Assert.True(int.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0,
            $"Stage '{target}' runs as '{user}': use a numeric, non-zero UID (Kubernetes' runAsNonRoot can only check a number).");

        var healthCheck = Dockerfile.Last(stage, "HEALTHCHECK");
        Assert.True(healthCheck is not null, $"Stage '{target}' has no HEALTHCHECK.");
        var probe = Dockerfile.ExecForm(healthCheck.Arguments);
        Assert.Equal(["bash", ComposeTests.HttpProbePath, Dockerfile.Environment(stage)["ASPNETCORE_HTTP_PORTS"], "/health/live"], probe);
        Assert.Contains(Dockerfile.Chain(stage).SelectMany(s => s.All("COPY")), c => c.Arguments == "infra/http-probe.sh " + ComposeTests.HttpProbePath);

        var entryPoint = Dockerfile.ExecForm(Dockerfile.Last(stage, "ENTRYPOINT")!.Arguments);
        Assert.Equal(["dotnet", host + ".dll"], entryPoint);
        Assert.True(File.Exists(Repository.PathOf($"src/{host}/{host}.csproj")), $"src/{host}/{host}.csproj does not exist.");
    }

    [Fact]
    public void Publish_BuildsTheHostsThatExist_ForLinuxX64()
    {
        var publish = string.Join('\n', Dockerfile.Stage("publish").All("RUN").Select(r => r.Arguments));
        var projects = PublishedProject().Matches(publish).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["src/VectorIndexer.Api.Host/VectorIndexer.Api.Host.csproj", "src/VectorIndexer.Worker.Host/VectorIndexer.Worker.Host.csproj"], projects);
        foreach (var project in projects)
        {
            Assert.True(File.Exists(Repository.PathOf(project)), $"The Dockerfile publishes {project}, which does not exist.");
        }

        // Microsoft.ML.OnnxRuntime.Gpu has linux-x64 natives only; prune-publish.sh checks the model and libonnxruntime.so.
        Assert.Equal(projects.Count, Regex.Count(publish, "--runtime linux-x64 --no-self-contained"));
        Assert.Equal(3, Dockerfile.Stages.Count(s => s.Instructions.Any(i => i.Keyword == "RUN" && i.Arguments.StartsWith("bash infra/prune-publish.sh ", StringComparison.Ordinal))));
    }

    [Fact]
    public void ContextFiles_TheDockerfileCopies_ExistAndAreSent()
    {
        var ignore = DockerIgnore.Load(Repository.PathOf(".dockerignore"));
        foreach (var copy in Dockerfile.Stages.SelectMany(s => s.All("COPY")).Where(c => !c.Arguments.Contains("--from=", StringComparison.Ordinal)))
        {
            var source = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            if (source == ".")
            {
                continue;
            }

            Assert.True(File.Exists(Repository.PathOf(source)), $"COPY {source}: no such file.");
            Assert.False(ignore.Excludes(source), $"COPY {source}: .dockerignore leaves it out of the context.");
        }

        foreach (var script in new[] { "infra/http-probe.sh", "infra/prune-publish.sh" })
        {
            Assert.StartsWith("#!/usr/bin/env bash\n", Repository.Read(script), StringComparison.Ordinal);
            Assert.DoesNotContain("\r", Repository.Read(script), StringComparison.Ordinal);
        }
    }

    private static string? OnnxRuntimeCudaProvider()
    {
        var metadata = typeof(DockerfileTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured ? configured : metadata.GetValueOrDefault("NuGetPackageRoot");
        var version = metadata.GetValueOrDefault("OnnxRuntimeVersion");
        if (string.IsNullOrEmpty(root) || string.IsNullOrEmpty(version))
        {
            return null;
        }

        var path = Path.Combine(root, "microsoft.ml.onnxruntime.gpu.linux", version, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so");
        return File.Exists(path) ? path : null;
    }

    [GeneratedRegex(@"libcudart\.so\.(\d+)")]
    private static partial Regex CudartSoname();

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();
}
