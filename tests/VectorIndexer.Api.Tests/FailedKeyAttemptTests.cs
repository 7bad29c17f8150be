using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VectorIndexer.TestSupport;

namespace VectorIndexer.Api.Tests;

/// <summary>
/// Wrong API keys are limited per client (<c>Api:FailedKeyAttempts</c>): after the limit within the window
/// the client gets 429 with Retry-After, even with the right key, until the window ends; right keys and
/// requests without a key are not counted; other clients are unaffected; keys are never logged.
/// </summary>
public sealed class FailedKeyAttemptTests : IDisposable
{
    private const int Permits = 3;
    private const string ClientIpHeader = "X-Test-Remote-Ip";
    private const string Client = "203.0.113.7";
    private const string WrongKey = "Zq8-wrong-KEY-x7Hf3pLm-guess";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-failed-keys-");
    private readonly ManualTimeProvider _time = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task WrongKey_LimitTimes_Is401_ThenEvenTheRightKeyIs429WithRetryAfter()
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory);

        for (var i = 0; i < Permits; i++)
        {
            using var refused = await SendAsync(client, Client, WrongKey);
            await TestHttp.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, Token);
        }

        using var right = await SendAsync(client, Client, ApiHost.ApiKey);
        using var wrong = await SendAsync(client, Client, WrongKey);

        var problem = await TestHttp.AssertProblemAsync(right, HttpStatusCode.TooManyRequests, Token);
        Assert.Contains("retry after 60 seconds", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(Window, right.Headers.RetryAfter?.Delta);
        await TestHttp.AssertProblemAsync(wrong, HttpStatusCode.TooManyRequests, Token);
        Assert.Equal(Window, wrong.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task LockedOutClient_AfterTheWindowEnds_TheRightKeyWorksAgain()
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory);
        await LockOutAsync(client, Client);

        _time.Advance(Window - TimeSpan.FromSeconds(1));
        using var stillLocked = await SendAsync(client, Client, ApiHost.ApiKey);
        _time.Advance(TimeSpan.FromSeconds(1));
        using var served = await SendAsync(client, Client, ApiHost.ApiKey);
        using var wrongAgain = await SendAsync(client, Client, WrongKey);

        await TestHttp.AssertProblemAsync(stillLocked, HttpStatusCode.TooManyRequests, Token);
        Assert.Equal(TimeSpan.FromSeconds(1), stillLocked.Headers.RetryAfter?.Delta);
        AssertServed(served);
        await TestHttp.AssertProblemAsync(wrongAgain, HttpStatusCode.Unauthorized, Token); // a new window: counted afresh
    }

    [Fact]
    public async Task RightKeys_AreNotCounted_NorDoTheyResetTheCount()
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory);

        for (var i = 0; i < Permits - 1; i++)
        {
            using var refused = await SendAsync(client, Client, WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        for (var i = 0; i < Permits * 5; i++)
        {
            using var served = await SendAsync(client, Client, ApiHost.ApiKey);
            AssertServed(served);
        }

        using var last = await SendAsync(client, Client, WrongKey);
        using var locked = await SendAsync(client, Client, ApiHost.ApiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, last.StatusCode);
        await TestHttp.AssertProblemAsync(locked, HttpStatusCode.TooManyRequests, Token);
    }

    [Fact]
    public async Task RequestsWithoutAKey_AreNotCounted()
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory);

        for (var i = 0; i < Permits * 3; i++)
        {
            using var challenged = await SendAsync(client, Client, key: null);
            var problem = await TestHttp.AssertProblemAsync(challenged, HttpStatusCode.Unauthorized, Token);
            Assert.Equal("An API key is required.", problem.GetProperty("title").GetString());
        }

        using var served = await SendAsync(client, Client, ApiHost.ApiKey);
        await LockOutAsync(client, Client);
        using var withoutKey = await SendAsync(client, Client, key: null);

        AssertServed(served);
        await TestHttp.AssertProblemAsync(withoutKey, HttpStatusCode.Unauthorized, Token); // presents nothing: challenged, not limited
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.8", "203.0.113.7")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", "2001:db8:1:2:ffff::99")] // IPv6 by /64
    public async Task LockedOutClient_DoesNotLockOutAnotherClient(string lockedOut, string other, string sameNetwork)
    {
        await using var factory = Create();
        using var client = TestHttp.Client(factory);
        await LockOutAsync(client, lockedOut);

        using var otherServed = await SendAsync(client, other, ApiHost.ApiKey);
        using var otherWrong = await SendAsync(client, other, WrongKey);
        using var sameNetworkLocked = await SendAsync(client, sameNetwork, ApiHost.ApiKey);

        AssertServed(otherServed);
        await TestHttp.AssertProblemAsync(otherWrong, HttpStatusCode.Unauthorized, Token);
        await TestHttp.AssertProblemAsync(sameNetworkLocked, HttpStatusCode.TooManyRequests, Token);
    }

    [Fact]
    public async Task FailedAttempts_AreLoggedWithClientAndPath_TheLockOutOnce_AndNoPartOfAnyKey()
    {
        const string RightKey = "Kx7-unlikely-Qp2-right-Zr9w";
        var logs = new CapturingLoggerProvider();
        await using var factory = Create(RightKey).WithWebHostBuilder(web => web.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(logs);
        }));
        using var client = TestHttp.Client(factory);

        using var served = await SendAsync(client, Client, RightKey);
        for (var i = 0; i < Permits + 2; i++)
        {
            using var _ = await SendAsync(client, Client, WrongKey);
        }

        using var locked = await SendAsync(client, Client, RightKey);

        AssertServed(served);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var refused = logs.Entries.Where(e => e.Id.Id == 30).ToList();
        Assert.Equal(Permits, refused.Count);
        Assert.All(refused, e =>
        {
            Assert.Equal(LogLevel.Warning, e.Level);
            Assert.Contains(Client, e.Message, StringComparison.Ordinal);
            Assert.Contains("/api/jobs/1", e.Message, StringComparison.Ordinal);
        });
        var lockOut = Assert.Single(logs.Entries, e => e.Id.Id == 31);
        Assert.Equal(LogLevel.Warning, lockOut.Level);
        Assert.Contains(Client, lockOut.Message, StringComparison.Ordinal);
        foreach (var part in Parts(WrongKey).Concat(Parts(RightKey)))
        {
            Assert.DoesNotContain(logs.Messages, m => m.Contains(part, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Api:FailedKeyAttempts:PermitLimit", "0")]
    [InlineData("Api:FailedKeyAttempts:PermitLimit", "1001")]
    [InlineData("Api:FailedKeyAttempts:Window", "00:00:00")]
    [InlineData("Api:FailedKeyAttempts:Window", "2.00:00:00")]
    public async Task BadSetting_StopsTheHostAtStart_NamingTheSetting(string setting, string value)
    {
        await using var factory = Create().WithWebHostBuilder(web => web.UseSetting(setting, value));

        var error = Record.Exception(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(error));
        Assert.Contains(setting, validation.Message, StringComparison.Ordinal);
    }

    /// <summary>Every 6-character piece of <paramref name="key"/>.</summary>
    private static IEnumerable<string> Parts(string key) =>
        Enumerable.Range(0, key.Length - 5).Select(i => key.Substring(i, 6));

    private static void AssertServed(HttpResponseMessage response) =>
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"Expected the endpoint to serve it, got {(int)response.StatusCode}");

    private static async Task LockOutAsync(HttpClient client, string ip)
    {
        for (var i = 0; i < Permits; i++)
        {
            using var refused = await SendAsync(client, ip, WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var locked = await SendAsync(client, ip, ApiHost.ApiKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string ip, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, TestHttp.Path("/api/jobs/1"));
        request.Headers.Add(ClientIpHeader, ip);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return client.SendAsync(request, Token);
    }

    private static Exception? Unwrap(Exception? error)
    {
        while (error is AggregateException or System.Reflection.TargetInvocationException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return error;
    }

    private WebApplicationFactory<Program> Create(string apiKey = ApiHost.ApiKey) =>
        ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseSetting("Api:ApiKey", apiKey);
            web.UseSetting("Api:FailedKeyAttempts:PermitLimit", Permits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Api:FailedKeyAttempts:Window", "00:01:00");
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>();
            });
        });

    /// <summary>Sets the connection's remote address from a test header (the test server has none), before the app's middleware.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientIpHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
