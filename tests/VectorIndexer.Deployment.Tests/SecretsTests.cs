using System.Text.RegularExpressions;

namespace VectorIndexer.Deployment.Tests;

/// <summary>Secrets reach the containers only from an uncommitted .env; .env.example documents every variable.</summary>
public sealed partial class SecretsTests
{
    [Fact]
    public void SecretSettings_InCompose_AreOnlyVariableReferences()
    {
        var checkedSecrets = 0;
        foreach (var service in Repository.Compose.Services.Values)
        {
            foreach (var (name, value) in service.Environment)
            {
                if (name.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
                {
                    Assert.True(value is not null, $"{service.Name}: {name} has no value.");
                    var password = value.Split(';').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && PasswordKey().IsMatch(p[0].Trim())).ToList();
                    Assert.True(password.Count == 1, $"{service.Name}: {name} should carry exactly one Password=${{VAR}}.");
                    AssertSecretReference(service.Name, name + " (Password)", password[0][1].Trim());
                    checkedSecrets++;
                }
                else if (SecretName().IsMatch(name))
                {
                    AssertSecretReference(service.Name, name, value);
                    checkedSecrets++;
                }
            }
        }

        Assert.True(checkedSecrets >= 8, $"Only {checkedSecrets} secret settings found: has the secret-name pattern stopped matching?");
    }

    [Fact]
    public void EnvFile_IsIgnoredByGit_AndItsExampleIsNot()
    {
        var lines = File.ReadAllLines(Repository.PathOf(".gitignore")).Select(l => l.Trim()).ToList();
        Assert.True(lines.Contains(".env") || lines.Contains("/.env"), ".gitignore must list .env (compose reads its secrets from there).");
        Assert.DoesNotContain(lines, l => l is ".env*" or ".env.*" or "*.env*" or ".env.example");
        Assert.True(File.Exists(Repository.PathOf(".env.example")), ".env.example is missing.");
    }

    [Fact]
    public void EnvExample_NamesEveryVariableTheComposeFileUses_AndNoOther()
    {
        var used = Repository.Compose.Scalars()
            .SelectMany(s => Interpolation.References(s.Value))
            .Select(r => r.Name)
            .ToHashSet(StringComparer.Ordinal);
        var example = EnvExample();
        Assert.Empty(used.Except(example.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(example.Keys.Except(used).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EnvExample_LeavesEverySecretEmpty()
    {
        var secrets = Repository.Compose.Services.Values
            .SelectMany(s => s.Environment)
            .Where(e => SecretName().IsMatch(e.Key) || e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .SelectMany(e => Interpolation.References(e.Value ?? string.Empty))
            .Select(r => r.Name)
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(secrets);
        var example = EnvExample();
        foreach (var secret in secrets)
        {
            Assert.True(example[secret].Length == 0, $".env.example gives {secret} a value; leave secrets empty.");
        }
    }

    [Fact]
    public void Interpolation_ReadsComposeReferences()
    {
        Assert.Equal(
            new[] { ("A", "", ""), ("B", ":?", "set B in .env"), ("C", ":-", "x") },
            Interpolation.References("$A-${B:?set B in .env}/${C:-x}$$D").Select(r => (r.Name, r.Operator, r.Argument)));
        Assert.NotNull(Interpolation.WholeValueReference("${KEY:?set it}"));
        Assert.Null(Interpolation.WholeValueReference("prefix-${KEY}"));
        Assert.Empty(Interpolation.References("$$NOT_A_VARIABLE"));
    }

    private static void AssertSecretReference(string service, string name, string? value)
    {
        var reference = Interpolation.WholeValueReference(value);
        Assert.True(reference is not null, $"{service}: {name} holds a value, not a ${{VARIABLE}} from .env.");
        Assert.False(reference.HasFallbackValue, $"{service}: {name} = {value} has a fallback, which would be a secret in the file.");
    }

    private static Dictionary<string, string> EnvExample()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(Repository.PathOf(".env.example")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = EnvLine().Match(line);
            Assert.True(match.Success, $".env.example: '{line}' is not NAME=value.");
            Assert.True(result.TryAdd(match.Groups[1].Value, match.Groups[2].Value), $".env.example names {match.Groups[1].Value} twice.");
        }

        return result;
    }

    [GeneratedRegex("(?i)(password|passwd|secret|token|api_?key)")]
    private static partial Regex SecretName();

    [GeneratedRegex("^(?i)(password|pwd)$")]
    private static partial Regex PasswordKey();

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex EnvLine();
}
