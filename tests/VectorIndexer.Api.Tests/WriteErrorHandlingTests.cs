using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VectorIndexer.Worker.Storage;

namespace VectorIndexer.Api.Tests;

/// <summary>A failing job store never leaks its exception text through the write side.</summary>
public sealed class WriteErrorHandlingTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-api-write-errors-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Delete(recursive: true);

    [Fact]
    public async Task JobStoreThatCannotBeOpened_Is500ProblemDetails_WithoutTheExceptionText()
    {
        var path = Path.Combine(_data.FullName, "broken", "jobs.db");
        var store = new JobStatusStore(path);
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!))
        {
            File.Delete(file);
        }

        Directory.CreateDirectory(path); // a folder where the database file was: SQLite cannot open it
        await using var factory = ApiHost.Create(_data.FullName).WithWebHostBuilder(web =>
        {
            web.UseSetting("Api:ApiKey", ApiHost.ApiKey);
            web.ConfigureTestServices(services => services.AddSingleton(store));
        });
        using var client = TestHttp.Client(factory, ApiHost.ApiKey);

        using var response = await client.GetAsync(TestHttp.Path("/api/jobs/1"), Token);

        var problem = await TestHttp.AssertProblemAsync(response, HttpStatusCode.InternalServerError, Token);
        var text = problem.ToString();
        Assert.DoesNotContain("SQLite", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("database", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_data.FullName, text, StringComparison.Ordinal);
    }
}
