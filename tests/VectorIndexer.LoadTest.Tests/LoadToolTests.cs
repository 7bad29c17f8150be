using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VectorIndexer.Evaluation;

namespace VectorIndexer.LoadTest.Tests;

public sealed class LoadToolTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void ServerTiming_ReadsEmbedAndSearch_IgnoringOtherMetricsAndMalformedEntries()
    {
        var timing = ServerTiming.Parse(["total;dur=9, embed;desc=\"model\";dur=3.25", "search;dur=0.5, broken;dur=x, embed"]);

        Assert.Equal(3.25, timing.Embed);
        Assert.Equal(0.5, timing.Search);
    }

    [Fact]
    public void ServerTiming_WithoutTheHeader_ReportsNothing()
    {
        var timing = ServerTiming.Parse([]);

        Assert.Null(timing.Embed);
        Assert.Null(timing.Search);
    }

    [Theory]
    [InlineData(0.50, 50)]
    [InlineData(0.95, 95)]
    [InlineData(0.99, 99)]
    [InlineData(1.00, 100)]
    public void Percentile_IsTheNearestRank(double p, double expected)
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(expected, LoadResult.Percentile(values, p));
    }

    [Theory]
    [InlineData("--clients", "0")]
    [InlineData("--clients", "1,x")]
    [InlineData("--duration", "-3")]
    [InlineData("--mode", "fuzzy")]
    [InlineData("--url", "ftp://host")]
    [InlineData("--bogus", "1")]
    public void Parse_RejectsBadValues_NamingTheOption(string option, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--queries", "q.tsv", option, value]));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithoutQueries_SaysItIsRequired()
    {
        var ex = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--clients", "4"]));

        Assert.Contains("--queries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SearchPath_EscapesTheQuery_AndAddsKAndMode()
    {
        var options = LoadOptions.Parse(["--queries", "q.tsv", "--k", "20", "--mode", "hybrid"]);

        Assert.Equal("api/search?q=men%27s%20shoes%20%26%20socks&k=20&mode=hybrid", SearchLoad.SearchPath("men's shoes & socks", options));
    }

    [Fact]
    public async Task Run_AgainstARealServer_CountsAnswersErrorsAndServerTimings()
    {
        // Every fifth request fails with 503; the others report fixed timings.
        var served = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapGet("/health/ready", () => Results.Ok());
        app.MapGet("/api/search", (HttpContext context, string q, int k) =>
        {
            if (Interlocked.Increment(ref served) % 5 == 0)
            {
                return Results.StatusCode(503);
            }

            context.Response.Headers["Server-Timing"] = "embed;dur=2.0, search;dur=0.5";
            return Results.Ok(new { query = q, k });
        });
        await app.StartAsync(Token);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var options = LoadOptions.Parse(["--url", url, "--queries", "q.tsv", "--duration", "1", "--warmup", "0", "--clients", "2"]);
        using var http = SearchLoad.CreateClient(options);
        await SearchLoad.CheckReadyAsync(http, options, Token);
        var result = await SearchLoad.RunAsync(http, options, [new EvaluationQuery("1", "red shoes"), new EvaluationQuery("2", "blue hat")], 2, Token);

        Assert.Equal(served, result.Requests);
        Assert.True(result.Requests >= 10, $"only {result.Requests} requests in a second");
        Assert.Equal(result.Requests / 5, result.Errors);
        Assert.Equal(result.Errors, result.ErrorStatuses["503"]);
        Assert.Equal(2.0, result.EmbedMeanMs);
        Assert.Equal(0.5, result.SearchMeanMs);
        Assert.True(result.P50Ms > 0 && result.P50Ms <= result.P99Ms && result.P99Ms <= result.MaxMs);
        Assert.Contains("| 2 |", result.TableRow(), StringComparison.Ordinal);
    }
}
