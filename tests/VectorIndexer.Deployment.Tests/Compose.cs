using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace VectorIndexer.Deployment.Tests;

/// <summary>The repository's docker-compose.yml as YAML nodes (anchors and aliases resolved), with the parts the checks read.</summary>
internal sealed class Compose
{
    private Compose(YamlMappingNode root)
    {
        Root = root;
        Services = Mapping(root, "services")?.Children.ToDictionary(
            entry => ((YamlScalarNode)entry.Key).Value!,
            entry => new ComposeService(((YamlScalarNode)entry.Key).Value!, (YamlMappingNode)entry.Value),
            StringComparer.Ordinal) ?? [];
    }

    public YamlMappingNode Root { get; }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    /// <summary>Names under the top-level <c>volumes:</c>.</summary>
    public IReadOnlySet<string> NamedVolumes => Mapping(Root, "volumes")?.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal) ?? [];

    public static Compose Load(string path) => Parse(File.ReadAllText(path));

    public static Compose Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return new Compose((YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>Every scalar in the file with where it is, e.g. <c>services.api.environment.Api__ApiKey</c>.</summary>
    public IEnumerable<(string Path, string Value)> Scalars() => Scalars(Root, string.Empty);

    public ComposeService Service(string name) =>
        Services.TryGetValue(name, out var service) ? service : throw new InvalidOperationException($"docker-compose.yml has no service '{name}'.");

    internal static YamlMappingNode? Mapping(YamlMappingNode node, string key) => Child(node, key) as YamlMappingNode;

    internal static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    internal static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    internal static IReadOnlyList<string> Strings(YamlNode? node) => node switch
    {
        YamlSequenceNode sequence => sequence.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList(),
        YamlScalarNode scalar => [scalar.Value ?? string.Empty],
        _ => [],
    };

    private static IEnumerable<(string Path, string Value)> Scalars(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is not null:
                yield return (path, scalar.Value);
                break;
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = ((YamlScalarNode)key).Value;
                    foreach (var item in Scalars(value, path.Length == 0 ? name! : $"{path}.{name}"))
                    {
                        yield return item;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    foreach (var item in Scalars(sequence.Children[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]"))
                    {
                        yield return item;
                    }
                }

                break;
        }
    }
}

/// <summary>One service of the compose file.</summary>
internal sealed class ComposeService(string name, YamlMappingNode node)
{
    public string Name { get; } = name;

    public YamlMappingNode Node { get; } = node;

    public string? Image => Compose.Scalar(Node, "image");

    public YamlMappingNode? Build => Compose.Child(Node, "build") as YamlMappingNode;

    public string? BuildDockerfile => Build is null ? null : Compose.Scalar(Build, "dockerfile") ?? "Dockerfile";

    public string? BuildContext => Build is null ? null : Compose.Scalar(Build, "context") ?? ".";

    public string? BuildTarget => Build is null ? null : Compose.Scalar(Build, "target");

    public IReadOnlyList<string> Profiles => Compose.Strings(Compose.Child(Node, "profiles"));

    public IReadOnlyList<string> Ports => Compose.Strings(Compose.Child(Node, "ports"));

    public IReadOnlyList<string> Volumes => Compose.Strings(Compose.Child(Node, "volumes"));

    public IReadOnlyList<string> Tmpfs => Compose.Strings(Compose.Child(Node, "tmpfs"));

    public IReadOnlyList<string> SecurityOptions => Compose.Strings(Compose.Child(Node, "security_opt"));

    public IReadOnlyList<string> DroppedCapabilities => Compose.Strings(Compose.Child(Node, "cap_drop"));

    public bool ReadOnly => string.Equals(Compose.Scalar(Node, "read_only"), "true", StringComparison.OrdinalIgnoreCase);

    public string? StopGracePeriod => Compose.Scalar(Node, "stop_grace_period");

    public YamlMappingNode? HealthCheck => Compose.Mapping(Node, "healthcheck");

    /// <summary>The health check's <c>test</c> as a list (<c>CMD</c>/<c>CMD-SHELL</c> first), empty when none.</summary>
    public IReadOnlyList<string> HealthCheckTest => HealthCheck is null ? [] : Compose.Strings(Compose.Child(HealthCheck, "test"));

    /// <summary>The service's environment, from the mapping or the <c>KEY=value</c> list form; a value is null when passed through from the host.</summary>
    public IReadOnlyDictionary<string, string?> Environment
    {
        get
        {
            var result = new Dictionary<string, string?>(StringComparer.Ordinal);
            switch (Compose.Child(Node, "environment"))
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        result[((YamlScalarNode)key).Value!] = (value as YamlScalarNode)?.Value is { Length: > 0 } text ? text : null;
                    }

                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children.OfType<YamlScalarNode>())
                    {
                        var text = item.Value ?? string.Empty;
                        var equals = text.IndexOf('=', StringComparison.Ordinal);
                        result[equals < 0 ? text : text[..equals]] = equals < 0 ? null : text[(equals + 1)..];
                    }

                    break;
            }

            return result;
        }
    }

    /// <summary>depends_on as service → condition (the short list form means <c>service_started</c>).</summary>
    public IReadOnlyDictionary<string, string> DependsOn
    {
        get
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            switch (Compose.Child(Node, "depends_on"))
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        var condition = value is YamlMappingNode options ? Compose.Scalar(options, "condition") : null;
                        result[((YamlScalarNode)key).Value!] = condition ?? "service_started";
                    }

                    break;
                case YamlSequenceNode sequence:
                    foreach (var item in sequence.Children.OfType<YamlScalarNode>())
                    {
                        result[item.Value!] = "service_started";
                    }

                    break;
            }

            return result;
        }
    }

    /// <summary>The entries of <c>deploy.resources.reservations.devices</c>.</summary>
    public IReadOnlyList<YamlMappingNode> ReservedDevices
    {
        get
        {
            var deploy = Compose.Mapping(Node, "deploy");
            var resources = deploy is null ? null : Compose.Mapping(deploy, "resources");
            var reservations = resources is null ? null : Compose.Mapping(resources, "reservations");
            return reservations is not null && Compose.Child(reservations, "devices") is YamlSequenceNode devices
                ? devices.Children.OfType<YamlMappingNode>().ToList()
                : [];
        }
    }

    /// <summary>Container-side port of each published port (<c>[ip:][host:]container[/proto]</c>).</summary>
    public IEnumerable<(string? HostIp, string? HostPort, int ContainerPort)> PublishedPorts()
    {
        foreach (var port in Ports)
        {
            var spec = port.Split('/')[0];
            var parts = SplitPort(spec);
            var container = int.Parse(parts[^1], CultureInfo.InvariantCulture);
            yield return parts.Count switch
            {
                1 => (null, null, container),
                2 => (null, parts[0], container),
                _ => (parts[0], parts[1], container),
            };
        }
    }

    // Splits on ':' outside ${...} (a host port may be "${API_PORT:-8080}").
    private static List<string> SplitPort(string spec)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < spec.Length; i++)
        {
            if (spec[i] == '{')
            {
                depth++;
            }
            else if (spec[i] == '}')
            {
                depth--;
            }
            else if (spec[i] == ':' && depth == 0)
            {
                parts.Add(spec[start..i]);
                start = i + 1;
            }
        }

        parts.Add(spec[start..]);
        return parts;
    }
}
