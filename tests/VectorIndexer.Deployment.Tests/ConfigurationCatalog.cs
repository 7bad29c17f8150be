using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace VectorIndexer.Deployment.Tests;

/// <summary>How a configuration key resolved: the property it binds to, or why it binds to nothing.</summary>
/// <param name="Key">The key, e.g. <c>Index:Qdrant:ApiKey</c>.</param>
/// <param name="Property">The bound property (null for key constants such as <c>Index:Provider</c> and connection strings).</param>
/// <param name="ValueType">The type a value is converted to.</param>
/// <param name="Problem">Why the key binds to nothing, or null.</param>
internal sealed record KeyResolution(string Key, PropertyInfo? Property, Type? ValueType, string? Problem)
{
    public bool Found => Problem is null;
}

/// <summary>
/// The configuration keys the hosts read, found by reflection in the VectorIndexer assemblies beside
/// the tests: options classes by their <c>public const string SectionName</c>, walked property by
/// property as the configuration binder does (case-insensitive; dictionaries take any key,
/// collections an index); connection strings by <c>*ConnectionStringName</c> constants
/// (<c>ConnectionStrings:&lt;name&gt;</c>); single keys by <c>*Key</c> constants holding a
/// <c>:</c>-separated key (<c>Index:Provider</c>). A renamed property, section or constant makes a
/// key that named it resolve to nothing.
/// </summary>
internal sealed class ConfigurationCatalog
{
    /// <summary>Sections read by ASP.NET Core and the .NET host themselves, not by our options classes.</summary>
    public static readonly IReadOnlySet<string> FrameworkSections = new HashSet<string>(["Logging", "Kestrel", "AllowedHosts", "Urls", "HostFiltering"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Environment variables that are not configuration keys of ours but are read by the runtime, ASP.NET Core or the NVIDIA container runtime.</summary>
    public static readonly IReadOnlyList<string> PlatformVariablePrefixes = ["ASPNETCORE_", "DOTNET_", "NVIDIA_"];

    private ConfigurationCatalog(IReadOnlyDictionary<string, Type> sections, IReadOnlySet<string> keys, IReadOnlySet<string> connectionStrings, IReadOnlyList<Assembly> assemblies)
    {
        Sections = sections;
        Keys = keys;
        ConnectionStringNames = connectionStrings;
        Assemblies = assemblies;
    }

    /// <summary>Section path → options type.</summary>
    public IReadOnlyDictionary<string, Type> Sections { get; }

    /// <summary>Single keys declared as constants.</summary>
    public IReadOnlySet<string> Keys { get; }

    public IReadOnlySet<string> ConnectionStringNames { get; }

    public IReadOnlyList<Assembly> Assemblies { get; }

    /// <summary>Every <c>VectorIndexer.*.dll</c> in the test output (the src projects referenced, directly or not).</summary>
    public static ConfigurationCatalog FromTestOutput()
    {
        var assemblies = Directory.EnumerateFiles(AppContext.BaseDirectory, "VectorIndexer.*.dll")
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Where(name => !name.EndsWith(".Tests", StringComparison.Ordinal) && name != "VectorIndexer.TestSupport")
            .Select(name => Assembly.Load(new AssemblyName(name)))
            .ToList();
        return FromAssemblies(assemblies);
    }

    public static ConfigurationCatalog FromAssemblies(IReadOnlyList<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var connectionStrings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(LoadableTypes))
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (!field.IsLiteral || field.FieldType != typeof(string) || field.GetRawConstantValue() is not string value)
                {
                    continue;
                }

                if (field.Name == "SectionName")
                {
                    if (sections.TryGetValue(value, out var other) && other != type)
                    {
                        throw new InvalidOperationException($"Two options classes claim section '{value}': {other.FullName} and {type.FullName}.");
                    }

                    sections[value] = type;
                }
                else if (field.Name.EndsWith("ConnectionStringName", StringComparison.Ordinal))
                {
                    connectionStrings.Add(value);
                }
                else if (field.Name.EndsWith("Key", StringComparison.Ordinal) && value.Contains(':', StringComparison.Ordinal) && !value.Contains(' ', StringComparison.Ordinal))
                {
                    keys.Add(value);
                }
            }
        }

        return new ConfigurationCatalog(sections, keys, connectionStrings, assemblies);
    }

    /// <summary>Environment variable name → configuration key (<c>Index__Qdrant__ApiKey</c> → <c>Index:Qdrant:ApiKey</c>), or null for platform variables.</summary>
    public static string? KeyOfEnvironmentVariable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (PlatformVariablePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
        {
            return null;
        }

        return name.Replace("__", ":", StringComparison.Ordinal);
    }

    /// <summary>Whether the key belongs to ASP.NET Core or the host rather than to us.</summary>
    public static bool IsFrameworkKey(string key) => FrameworkSections.Contains(key.Split(':')[0]);

    public KeyResolution Resolve(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split(':');
        if (segments.Any(s => s.Length == 0))
        {
            return new KeyResolution(key, null, null, "it has an empty segment");
        }

        if (segments[0].Equals("ConnectionStrings", StringComparison.OrdinalIgnoreCase))
        {
            return segments.Length == 2 && ConnectionStringNames.Contains(segments[1])
                ? new KeyResolution(key, null, typeof(string), null)
                : new KeyResolution(key, null, null, $"no connection string of that name is read (known: {string.Join(", ", ConnectionStringNames.Order(StringComparer.Ordinal).Select(n => "ConnectionStrings:" + n))})");
        }

        if (Keys.Contains(key))
        {
            return new KeyResolution(key, null, typeof(string), null);
        }

        // The longest section that is a prefix of the key.
        for (var length = segments.Length; length >= 1; length--)
        {
            var section = string.Join(':', segments.Take(length));
            if (Sections.TryGetValue(section, out var type))
            {
                return Walk(key, type, segments.Skip(length).ToList(), null);
            }
        }

        return new KeyResolution(key, null, null, $"no options class has a SectionName that starts it, and no key constant names it (sections: {string.Join(", ", Sections.Keys.Order(StringComparer.Ordinal))})");
    }

    /// <summary>Why <paramref name="value"/> would not bind to the key's property (conversion or validation attribute), or null.</summary>
    public static string? CheckLiteralValue(KeyResolution resolution, string value)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        ArgumentNullException.ThrowIfNull(value);
        if (!resolution.Found || resolution.ValueType is null || (resolution.ValueType == typeof(string) && resolution.Property is null))
        {
            return null;
        }

        var target = Nullable.GetUnderlyingType(resolution.ValueType) ?? resolution.ValueType;
        object? converted;
        try
        {
            converted = target == typeof(string) ? value : TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException || ex.InnerException is FormatException or OverflowException)
        {
            return $"'{value}' does not convert to {target.Name}";
        }

        if (resolution.Property is { } property)
        {
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (!attribute.IsValid(converted))
                {
                    return $"'{value}' fails {attribute.GetType().Name} ({attribute.FormatErrorMessage(property.Name)})";
                }
            }
        }

        return null;
    }

    private static KeyResolution Walk(string key, Type type, IReadOnlyList<string> rest, PropertyInfo? property)
    {
        if (rest.Count == 0)
        {
            return IsValue(type)
                ? new KeyResolution(key, property, type, null)
                : new KeyResolution(key, property, type, $"it names a section ({type.Name}), not a value");
        }

        if (IsValue(type))
        {
            return new KeyResolution(key, property, null, $"'{property?.Name}' is a value; it has no '{rest[0]}'");
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return Walk(key, valueType, rest.Skip(1).ToList(), property);
        }

        if (ElementType(type) is { } elementType)
        {
            return int.TryParse(rest[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? Walk(key, elementType, rest.Skip(1).ToList(), property)
                : new KeyResolution(key, property, null, $"'{property?.Name}' is a list: the next segment must be an index, not '{rest[0]}'");
        }

        var next = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.GetIndexParameters().Length == 0 && p.Name.Equals(rest[0], StringComparison.OrdinalIgnoreCase));
        if (next is null)
        {
            return new KeyResolution(key, property, null, $"{type.Name} has no property '{rest[0]}' (it has {string.Join(", ", type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name))})");
        }

        if (IsValue(next.PropertyType) && next.SetMethod?.IsPublic != true)
        {
            return new KeyResolution(key, next, null, $"{type.Name}.{next.Name} has no public setter: the binder cannot set it");
        }

        return Walk(key, next.PropertyType, rest.Skip(1).ToList(), next);
    }

    private static bool IsValue(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t.IsPrimitive || t.IsEnum || t == typeof(decimal) || t == typeof(Uri)
            || (t != typeof(object) && !t.IsArray && TypeDescriptor.GetConverter(t).CanConvertFrom(typeof(string)));
    }

    private static Type? DictionaryValueType(Type type) =>
        SelfAndInterfaces(type).FirstOrDefault(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            && i.GetGenericArguments()[0] == typeof(string))?.GetGenericArguments()[1];

    private static Type? ElementType(Type type) =>
        type.IsArray
            ? type.GetElementType()
            : SelfAndInterfaces(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static IEnumerable<Type> SelfAndInterfaces(Type type) => type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
