using System.Text.RegularExpressions;
using VectorIndexer.Worker;

namespace VectorIndexer.Deployment.Tests;

/// <summary>The wiring of docker-compose.yml: services, images, ports, health, start order, GPU, hardening.</summary>
public sealed partial class ComposeTests
{
    private static Compose Compose => Repository.Compose;

    [Fact]
    public void Compose_HasTheBackendsWorkersAndApi()
    {
        Assert.Equal(["api", "postgres", "qdrant", "worker", "worker-gpu"], Compose.Services.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryService_RunsAPinnedImageOrOneBuiltFromInfraDockerfile()
    {
        foreach (var service in Compose.Services.Values)
        {
            if (service.Build is null)
            {
                Assert.True(service.Image is not null, $"Service '{service.Name}' has neither image nor build.");
                var image = ImageReference.Parse(service.Image);
                Assert.True(image.WhyNotPinned() is null, $"Service '{service.Name}': image '{service.Image}' is not pinned: {image.WhyNotPinned()}.");
            }
            else
            {
                Assert.Equal(".", service.BuildContext);
                Assert.Equal(Repository.DockerfilePath, service.BuildDockerfile);
                Assert.True(service.BuildTarget is not null, $"Service '{service.Name}' builds without a target: it would get the Dockerfile's last stage.");
                Assert.Contains(Repository.Dockerfile.Stages, s => s.Name == service.BuildTarget);
                Assert.True(service.Image is null, $"Service '{service.Name}' both builds and names image '{service.Image}'.");
            }
        }

        Assert.Equal(Repository.AppServices.Order(StringComparer.Ordinal), Compose.Services.Values.Where(s => s.Build is not null).Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ports_OnlyTheApiIsPublishedBeyondThisMachine_AndAppPortsMatchTheImages()
    {
        // Qdrant's ports are published for hosts and tests outside compose, but on this machine only:
        // its API key travels in clear text.
        foreach (var service in Compose.Services.Values)
        {
            foreach (var (hostIp, _, container) in service.PublishedPorts())
            {
                if (service.Name != "api")
                {
                    Assert.True(hostIp == "127.0.0.1", $"Service '{service.Name}' publishes port {container} on every interface; bind it to 127.0.0.1.");
                }

                if (Repository.AppServices.Contains(service.Name))
                {
                    var stage = Repository.Dockerfile.Stage(service.BuildTarget!);
                    Assert.Equal(Repository.Dockerfile.Environment(stage)["ASPNETCORE_HTTP_PORTS"], container.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        Assert.Contains(Compose.Service("api").PublishedPorts(), p => p.ContainerPort == 8080);
        Assert.Empty(Compose.Service("postgres").Ports);
        Assert.Contains(Compose.Service("qdrant").PublishedPorts(), p => p.ContainerPort == 6334);
        Assert.All(Compose.Service("qdrant").PublishedPorts(), p => Assert.Equal("127.0.0.1", p.HostIp));
    }

    [Fact]
    public void EveryService_HasAHealthCheck()
    {
        foreach (var service in Compose.Services.Values)
        {
            var test = service.HealthCheckTest;
            Assert.True(test.Count >= 2 && test[0] is "CMD" or "CMD-SHELL", $"Service '{service.Name}' has no health check (test: [CMD, ...] or [CMD-SHELL, ...]).");
            foreach (var key in new[] { "interval", "timeout", "retries", "start_period" })
            {
                Assert.True(Compose.Scalar(service.HealthCheck!, key) is not null, $"Service '{service.Name}': health check without {key}.");
            }
        }
    }

    [Fact]
    public void AppHealthChecks_ProbeTheHostsPortWithTheProbeTheImageCarries()
    {
        foreach (var name in Repository.AppServices)
        {
            var service = Compose.Service(name);
            var test = service.HealthCheckTest;
            Assert.Equal(["CMD", "bash", HttpProbePath], test.Take(3));
            Assert.Equal(Repository.Dockerfile.Environment(Repository.Dockerfile.Stage(service.BuildTarget!))["ASPNETCORE_HTTP_PORTS"], test[3]);

            // Both hosts map /health/live: the container is healthy while the process answers
            // (200, the probe's default; no status pattern that would accept any answer).
            Assert.Equal(["/health/live"], test.Skip(4));
        }
    }

    [Fact]
    public void Apps_StartOnlyAfterQdrantAndPostgresAreHealthy()
    {
        foreach (var name in Repository.AppServices)
        {
            var dependsOn = Compose.Service(name).DependsOn;
            Assert.Equal("service_healthy", dependsOn.GetValueOrDefault("qdrant"));
            Assert.Equal("service_healthy", dependsOn.GetValueOrDefault("postgres"));
        }

        foreach (var service in Compose.Services.Values)
        {
            foreach (var (dependency, condition) in service.DependsOn)
            {
                Assert.True(Compose.Services.ContainsKey(dependency), $"Service '{service.Name}' depends on unknown service '{dependency}'.");
                if (condition == "service_healthy")
                {
                    Assert.True(Compose.Service(dependency).HealthCheck is not null, $"'{service.Name}' waits for '{dependency}' to be healthy, which has no health check.");
                }
            }
        }
    }

    [Fact]
    public void GpuWorker_OnlyInTheGpuProfile_WithAnNvidiaGpuReserved()
    {
        var gpu = Compose.Service("worker-gpu");
        Assert.Equal(["gpu"], gpu.Profiles);
        var device = Assert.Single(gpu.ReservedDevices);
        Assert.Equal("nvidia", Compose.Scalar(device, "driver"));
        Assert.Contains("gpu", Compose.Strings(Compose.Child(device, "capabilities")));
        Assert.True(Compose.Scalar(device, "count") is not null || Compose.Child(device, "device_ids") is not null, "The GPU reservation names neither a count nor device_ids.");
        Assert.StartsWith("nvidia/cuda", Repository.Dockerfile.ExternalBase(Repository.Dockerfile.Stage(gpu.BuildTarget!)), StringComparison.Ordinal);

        var cpu = Compose.Service("worker");
        Assert.Empty(cpu.Profiles); // the CPU worker starts with a plain `docker compose up`
        Assert.Empty(cpu.ReservedDevices);
        Assert.False(Repository.Dockerfile.ExternalBase(Repository.Dockerfile.Stage(cpu.BuildTarget!)).StartsWith("nvidia/", StringComparison.Ordinal));
    }

    [Fact]
    public void Apps_RunReadOnly_WithTheirDataOnAVolume_AndNoPrivileges()
    {
        foreach (var name in Repository.AppServices)
        {
            var service = Compose.Service(name);
            Assert.True(service.ReadOnly, $"Service '{name}' does not set read_only: true.");
            Assert.Contains("/tmp", service.Tmpfs);
            Assert.Contains("no-new-privileges:true", service.SecurityOptions);
            Assert.Contains("ALL", service.DroppedCapabilities);

            // Everything the process writes is under /data (Worker:DataDirectory, Index:Embedded:DataDirectory).
            var stage = Repository.Dockerfile.Stage(service.BuildTarget!);
            var environment = Repository.Dockerfile.Environment(stage);
            Assert.StartsWith("/data/", environment["Worker__DataDirectory"], StringComparison.Ordinal);
            Assert.StartsWith("/data/", environment["Index__Embedded__DataDirectory"], StringComparison.Ordinal);
            Assert.Contains(service.Volumes, v => v.EndsWith(":/data", StringComparison.Ordinal));
            Assert.Contains("\"/data\"", Repository.Dockerfile.Last(stage, "VOLUME")!.Arguments, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NamedVolumes_AreDeclared()
    {
        foreach (var service in Compose.Services.Values)
        {
            foreach (var volume in service.Volumes)
            {
                var source = volume.Split(':')[0];
                if (!source.StartsWith('.') && !source.StartsWith('/') && !source.StartsWith('$'))
                {
                    Assert.True(Compose.NamedVolumes.Contains(source), $"Service '{service.Name}' mounts volume '{source}', which is not declared under volumes:.");
                }
            }
        }
    }

    [Fact]
    public void Workers_AreGivenTimeToStopTheirJobs()
    {
        // The worker host waits Worker:ShutdownTimeout + 15 s for Hangfire; Docker must wait longer
        // before it kills the process, or running jobs are cut off instead of re-queued cleanly.
        var needed = new WorkerOptions().ShutdownTimeout + TimeSpan.FromSeconds(15);
        foreach (var name in Repository.WorkerServices)
        {
            var grace = Compose.Service(name).StopGracePeriod;
            Assert.True(grace is not null && ParseDuration(grace) > needed, $"Service '{name}': stop_grace_period '{grace}' must exceed {needed.TotalSeconds} s (Docker's default is 10 s).");
        }
    }

    [Fact]
    public void Apps_ShareOneJobStore_AndTheQdrantIndex()
    {
        // The API pushes batches into PostgreSQL-backed stores that the workers read, and both
        // sides search and write the same Qdrant collections.
        var connectionStrings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Repository.AppServices)
        {
            var environment = Compose.Service(name).Environment;
            Assert.Equal("postgresql", environment.GetValueOrDefault("Worker__Storage"));
            Assert.Equal("qdrant", environment.GetValueOrDefault("Index__Provider"));
            var connectionString = environment.GetValueOrDefault("ConnectionStrings__Hangfire");
            Assert.False(string.IsNullOrEmpty(connectionString), $"Service '{name}' sets no ConnectionStrings__Hangfire.");
            connectionStrings.Add(connectionString);
        }

        Assert.Single(connectionStrings);
    }

    [Fact]
    public void AppEndpoints_NameServicesOfThisFile()
    {
        foreach (var name in Repository.AppServices)
        {
            var environment = Compose.Service(name).Environment;
            var qdrant = new Uri(environment["Index__Qdrant__Endpoint"]!);
            Assert.Equal("qdrant", qdrant.Host);
            Assert.Equal(6334, qdrant.Port); // gRPC, not REST
            Assert.Matches(HostIsPostgres(), environment["ConnectionStrings__Hangfire"]!);
        }
    }

    internal const string HttpProbePath = "/usr/local/bin/http-probe";

    private static TimeSpan ParseDuration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (Match part in DurationPart().Matches(text))
        {
            var amount = double.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "ms" => TimeSpan.FromMilliseconds(amount),
                _ => throw new FormatException($"Unknown duration unit in '{text}'."),
            };
        }

        return total;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|h|m|s)")]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"(^|;)\s*Host=postgres\s*(;|$)", RegexOptions.IgnoreCase)]
    private static partial Regex HostIsPostgres();
}

