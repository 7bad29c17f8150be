using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VectorIndexer.Deployment.Tests;

/// <summary>One instruction, continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line);

/// <summary>A build stage: its <c>FROM</c> and the instructions up to the next one.</summary>
internal sealed class DockerStage
{
    public required string? Name { get; init; }

    /// <summary>The <c>FROM</c> argument as written (<c>${DOTNET_RUNTIME_IMAGE}</c>).</summary>
    public required string BaseAsWritten { get; init; }

    /// <summary>The <c>FROM</c> argument with global build arguments substituted.</summary>
    public required string Base { get; init; }

    public required int Line { get; init; }

    public List<DockerInstruction> Instructions { get; } = [];

    public IEnumerable<DockerInstruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A Dockerfile read the way the builder reads it: parser directives and comments dropped, lines
/// joined at a trailing backslash, global <c>ARG</c>s (before the first <c>FROM</c>) substituted in
/// <c>FROM</c>, and each stage's <c>ARG</c>/<c>ENV</c> substituted in its <c>USER</c> and <c>ENV</c>.
/// </summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyDictionary<string, string> globalArgs, IReadOnlyList<DockerStage> stages, IReadOnlyList<DockerInstruction> globals)
    {
        GlobalArgs = globalArgs;
        Stages = stages;
        GlobalInstructions = globals;
    }

    /// <summary>Build arguments declared before the first <c>FROM</c>, with their defaults.</summary>
    public IReadOnlyDictionary<string, string> GlobalArgs { get; }

    public IReadOnlyList<DockerStage> Stages { get; }

    public IReadOnlyList<DockerInstruction> GlobalInstructions { get; }

    public static Dockerfile Load(string path) => Parse(File.ReadAllText(path));

    public static Dockerfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var instructions = Instructions(text);
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var globals = new List<DockerInstruction>();
        var stages = new List<DockerStage>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                var name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                stages.Add(new DockerStage
                {
                    Name = name,
                    BaseAsWritten = words[0],
                    Base = Substitute(words[0], globalArgs),
                    Line = instruction.Line,
                });
            }
            else if (stages.Count == 0)
            {
                globals.Add(instruction);
                if (instruction.Keyword == "ARG")
                {
                    var (name, value) = SplitAssignment(instruction.Arguments);
                    globalArgs[name] = value ?? string.Empty;
                }
            }
            else
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return new Dockerfile(globalArgs, stages, globals);
    }

    public DockerStage Stage(string name) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException($"The Dockerfile has no stage '{name}'.");

    /// <summary>The stage a stage is built on, when its <c>FROM</c> names an earlier stage.</summary>
    public DockerStage? Parent(DockerStage stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        var index = Stages.ToList().IndexOf(stage);
        return Stages.Take(index).LastOrDefault(s => string.Equals(s.Name, stage.Base, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The stage and the stages it is built on, nearest first.</summary>
    public IEnumerable<DockerStage> Chain(DockerStage stage)
    {
        for (var current = stage; current is not null; current = Parent(current))
        {
            yield return current;
        }
    }

    /// <summary>The external image a stage starts from (following stage-on-stage <c>FROM</c>s).</summary>
    public string ExternalBase(DockerStage stage) => Chain(stage).Last().Base;

    /// <summary>ENV of the stage chain (outermost first, so nearer stages win), values substituted.</summary>
    public IReadOnlyDictionary<string, string> Environment(DockerStage stage)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var current in Chain(stage).Reverse())
        {
            var variables = new Dictionary<string, string>(result, StringComparer.Ordinal);
            foreach (var instruction in current.Instructions)
            {
                if (instruction.Keyword == "ARG")
                {
                    var (name, value) = SplitAssignment(instruction.Arguments);
                    variables[name] = value ?? (GlobalArgs.TryGetValue(name, out var global) ? global : string.Empty);
                }
                else if (instruction.Keyword == "ENV")
                {
                    foreach (var (name, value) in EnvPairs(instruction.Arguments))
                    {
                        var substituted = Substitute(value, variables);
                        result[name] = substituted;
                        variables[name] = substituted;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The user the stage's process runs as: its last <c>USER</c> (or an ancestor stage's), substituted; null when none.</summary>
    public string? User(DockerStage stage)
    {
        foreach (var current in Chain(stage))
        {
            if (current.All("USER").LastOrDefault() is { } user)
            {
                var variables = new Dictionary<string, string>(Environment(current), StringComparer.Ordinal);
                foreach (var arg in current.All("ARG"))
                {
                    var (name, value) = SplitAssignment(arg.Arguments);
                    variables.TryAdd(name, value ?? (GlobalArgs.TryGetValue(name, out var global) ? global : string.Empty));
                }

                return Substitute(user.Arguments.Trim(), variables);
            }
        }

        return null;
    }

    /// <summary>The last instruction of a kind in the stage chain (HEALTHCHECK, ENTRYPOINT, ...).</summary>
    public DockerInstruction? Last(DockerStage stage, string keyword) =>
        Chain(stage).Select(s => s.All(keyword).LastOrDefault()).FirstOrDefault(i => i is not null);

    /// <summary>The exec-form (JSON array) part of an instruction, e.g. after <c>CMD</c> in a HEALTHCHECK.</summary>
    public static IReadOnlyList<string> ExecForm(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = arguments.IndexOf('[', StringComparison.Ordinal);
        return start < 0 ? [] : JsonSerializer.Deserialize<List<string>>(arguments[start..]) ?? [];
    }

    /// <summary>Substitutes <c>${NAME}</c>, <c>${NAME:-default}</c> and <c>$NAME</c>; unknown names become empty, as in the builder.</summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variables);
        return VariablePattern().Replace(text, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            if (variables.TryGetValue(name, out var value) && value.Length > 0)
            {
                return value;
            }

            return match.Groups["default"].Success ? match.Groups["default"].Value : string.Empty;
        });
    }

    private static List<DockerInstruction> Instructions(string text)
    {
        var result = new List<DockerInstruction>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        var startLine = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.StartsWith('#') || (current.Length == 0 && trimmed.Length == 0))
            {
                continue; // comments (also inside a continued instruction) and parser directives
            }

            if (current.Length == 0)
            {
                startLine = i + 1;
            }

            if (trimmed.EndsWith('\\'))
            {
                current.Append(trimmed[..^1]).Append(' ');
                continue;
            }

            current.Append(trimmed);
            var instruction = current.ToString().Trim();
            current.Clear();
            if (instruction.Length == 0)
            {
                continue;
            }

            var space = instruction.IndexOf(' ', StringComparison.Ordinal);
            result.Add(new DockerInstruction(
                (space < 0 ? instruction : instruction[..space]).ToUpperInvariant(),
                space < 0 ? string.Empty : instruction[(space + 1)..].Trim(),
                startLine));
        }

        return result;
    }

    private static (string Name, string? Value) SplitAssignment(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (text.Trim(), null) : (text[..equals].Trim(), Unquote(text[(equals + 1)..].Trim()));
    }

    /// <summary><c>ENV A=1 B="two words"</c> or the legacy <c>ENV A value</c>.</summary>
    public static IEnumerable<(string Name, string Value)> EnvPairs(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var tokens = Tokens(arguments);
        if (tokens.Count > 0 && !tokens[0].Contains('=', StringComparison.Ordinal))
        {
            yield return (tokens[0], Unquote(arguments[(arguments.IndexOf(tokens[0], StringComparison.Ordinal) + tokens[0].Length)..].Trim()));
            yield break;
        }

        foreach (var token in tokens)
        {
            var (name, value) = SplitAssignment(token);
            yield return (name, value ?? string.Empty);
        }
    }

    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                current.Append(c);
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                current.Append(c);
            }
            else if (char.IsWhiteSpace(c))
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariablePattern();
}
