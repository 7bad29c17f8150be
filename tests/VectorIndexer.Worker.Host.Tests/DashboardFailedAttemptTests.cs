using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.TestSupport;
using VectorIndexer.Worker.Dashboard;

namespace VectorIndexer.Worker.Host.Tests;

/// <summary>
/// Failed dashboard sign-ins are limited per client (<c>Worker:Dashboard:FailedAttempts</c>): after the limit
/// the client gets 429 with Retry-After, even with the right key or credentials, until the window ends.
/// </summary>
public sealed class DashboardFailedAttemptTests : IDisposable
{
    private const int Permits = 2;
    private const string Key = "Dk4-dashboard-KEY-for-tests-9vQ";
    private const string User = "ops";
    private const string Password = "Pw7-correct-horse-Xb2";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-worker-host-attempts-");
    private readonly ManualTimeProvider _time = new();
    private readonly ListLogger<WorkerDashboardAuthorizationFilter> _log = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Dashboard_WrongKeyLimitTimes_ThenEvenTheKeyIs429WithRetryAfter_UntilTheWindowEnds()
    {
        await using var factory = Create(("Worker:Dashboard:ApiKey", Key));
        using var client = factory.CreateClient();

        for (var i = 0; i < Permits; i++)
        {
            using var denied = await SendAsync(client, "X-Api-Key", "not-the-key-not-the-key");
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }

        using var locked = await SendAsync(client, "X-Api-Key", Key);
        var problem = await AssertTooManyRequestsAsync(locked, Window);
        _time.Advance(Window);
        using var allowed = await SendAsync(client, "X-Api-Key", Key);

        Assert.Contains("retry after 30 seconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Dashboard_WrongBasicCredentials_AreLimitedAndLogged_WithoutAnyPartOfThem()
    {
        const string WrongPassword = "Zt5-wrong-PASSWORD-guess-Lm8";
        await using var factory = Create(("Worker:Dashboard:Username", User), ("Worker:Dashboard:Password", Password));
        using var client = factory.CreateClient();

        using var right = await SendAsync(client, "Authorization", Basic(User, Password));
        for (var i = 0; i < Permits; i++)
        {
            using var denied = await SendAsync(client, "Authorization", Basic(User, WrongPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }

        using var locked = await SendAsync(client, "Authorization", Basic(User, Password));

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        await AssertTooManyRequestsAsync(locked, Window);
        var refused = _log.Entries.Where(e => e.Id.Id == 4031).ToList();
        Assert.Equal(Permits, refused.Count);
        Assert.All(refused, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.All(refused, e => Assert.Contains("/hangfire", e.Message, StringComparison.Ordinal));
        Assert.Single(_log.Entries, e => e.Id.Id == 4032);
        foreach (var secret in new[] { Password, WrongPassword, Basic(User, Password)[6..], Basic(User, WrongPassword)[6..] })
        {
            for (var i = 0; i + 6 <= secret.Length; i++)
            {
                var part = secret.Substring(i, 6);
                Assert.DoesNotContain(_log.Entries, e => e.Message.Contains(part, StringComparison.Ordinal));
            }
        }
    }

    [Theory]
    [InlineData("Worker:Dashboard:FailedAttempts:PermitLimit", "0")]
    [InlineData("Worker:Dashboard:FailedAttempts:Window", "00:00:00")]
    public void BadSetting_StopsTheHostNamingTheSetting(string setting, string value)
    {
        using var factory = Create(("Worker:Dashboard:ApiKey", Key), (setting, value));

        var error = Record.Exception(() => factory.CreateClient());

        while (error is AggregateException or System.Reflection.TargetInvocationException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        var validation = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(setting, validation.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> AssertTooManyRequestsAsync(HttpResponseMessage response, TimeSpan retryAfter)
    {
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"Expected 429, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.Delta);
        using var document = JsonDocument.Parse(body);
        Assert.Equal(429, document.RootElement.GetProperty("status").GetInt32());
        return document.RootElement.Clone();
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.TryAddWithoutValidation(header, value);
        return client.SendAsync(request, Token);
    }

    private WebApplicationFactory<Program> Create(params (string Key, string Value)[] settings)
    {
        var folder = Path.Combine(_data.FullName, Guid.NewGuid().ToString("N"));
        return new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Production");
            web.UseSetting("Index:Provider", "embedded");
            web.UseSetting("Index:Embedded:DataDirectory", Path.Combine(folder, "index"));
            web.UseSetting("Worker:DataDirectory", Path.Combine(folder, "worker"));
            web.UseSetting("Embedding:Device", "cpu");
            web.UseSetting("Worker:Dashboard:FailedAttempts:PermitLimit", Permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Worker:Dashboard:FailedAttempts:Window", "00:00:30");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<ILogger<WorkerDashboardAuthorizationFilter>>(_log);
            });
        });
    }
}
