using System.Net;
using System.Net.Http.Json;

namespace VectorIndexer.App.Tests;

/// <summary>The administrative surface of the all-in-one app is closed unless configured.</summary>
public sealed class DashboardAndWriteSideTests : IDisposable
{
    private const string DashboardKey = "app-dashboard-test-key-0123456789";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-app-admin-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task Dashboard_OutsideDevelopment_IsClosedWithoutTheKey_AndOpensWithIt()
    {
        await using var app = new AppHost(_data.FullName, new Dictionary<string, string>
        {
            ["App:IndexAtStart"] = "Never",
            ["Worker:Dashboard:ApiKey"] = DashboardKey,
        });
        using var client = app.CreateClient();

        using var anonymous = await client.GetAsync(new Uri("/hangfire", UriKind.Relative), Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Add("X-Api-Key", DashboardKey);
        using var keyed = await client.SendAsync(request, Token);

        Assert.True(anonymous.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"got {(int)anonymous.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    [Fact]
    public async Task WriteEndpoints_WithNoApiKeyConfigured_AreClosed()
    {
        await using var app = new AppHost(_data.FullName, new Dictionary<string, string> { ["App:IndexAtStart"] = "Never" });
        using var client = app.CreateClient();

        using var push = await client.PostAsJsonAsync("/api/products", new[] { new { id = "p1", title = "Kettle" } }, Token);
        using var reindex = await client.PostAsync(new Uri("/api/reindex", UriKind.Relative), null, Token);

        Assert.Equal(HttpStatusCode.Forbidden, push.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reindex.StatusCode);
    }
}
