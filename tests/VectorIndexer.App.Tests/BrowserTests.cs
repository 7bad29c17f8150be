using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace VectorIndexer.App.Tests;

/// <summary>
/// The search page in a real headless browser (Debian's chromium driven by Playwright) against the
/// all-in-one app on a real port with the bundled sample catalogue: type a query, click a facet,
/// sort, open a product's similar products, then "more like these". Skipped, with the reason, where
/// no chromium is installed (<c>.ci/run</c> installs one).
/// </summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];
    private static readonly float Timeout = 30_000;

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("vi-browser-");
    private AppHost? _app;
    private string _baseUrl = string.Empty;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The browser to drive: <c>VECTORINDEXER_CHROMIUM</c>, or Debian's chromium; null when none is installed.</summary>
    private static string? Chromium =>
        Environment.GetEnvironmentVariable("VECTORINDEXER_CHROMIUM") is { Length: > 0 } given ? given : ChromiumPaths.FirstOrDefault(File.Exists);

    public async ValueTask InitializeAsync()
    {
        if (Chromium is null)
        {
            return;
        }

        _app = new AppHost(_data.FullName);
        _app.Factory.UseKestrel(0);
        _app.Factory.StartServer();
        _baseUrl = _app.Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(_baseUrl) };
        await _app.WaitForStartupIndexingAsync(client, TimeSpan.FromMinutes(5), Token);
    }

    [Fact]
    public async Task SearchPage_QueryFacetSortSimilarAndMoreLikeThese_WorkInARealBrowser()
    {
        if (Chromium is not { } chromium)
        {
            Assert.Skip($"No chromium browser installed (looked for {string.Join(", ", ChromiumPaths)} and VECTORINDEXER_CHROMIUM); apt-get install chromium to run this test.");
            return;
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        // Type a query.
        await page.GotoAsync(_baseUrl);
        await page.FillAsync("#q", "coffee maker");
        await page.PressAsync("#q", "Enter");
        await page.WaitForSelectorAsync("#result-list .card");
        Assert.Contains("q=coffee+maker", page.Url, StringComparison.Ordinal);
        Assert.Matches(@"^\d+ of \d+ results? for", await page.TextContentAsync("#summary") ?? string.Empty);

        // Click the first brand facet: every result is of that brand, and the filter shows it.
        var brandFacet = page.Locator("#facets .facet-value[data-facet='Brand']").First;
        var brand = (await brandFacet.EvaluateAsync<string>("b => b.firstChild.textContent")).Trim();
        await brandFacet.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("brand=", StringComparison.Ordinal));
        await page.WaitForFunctionAsync("b => document.querySelectorAll('#result-list .card').length > 0 && [...document.querySelectorAll('#result-list .card .brand')].every(e => e.textContent === b)", brand);
        Assert.Equal(brand, await page.InputValueAsync("#brand"));

        // Sort by price: the URL carries it and the cards come cheapest first.
        await page.SelectOptionAsync("#sort", "price_asc");
        await page.WaitForURLAsync(url => url.Contains("sort=price_asc", StringComparison.Ordinal));
        await page.WaitForFunctionAsync(
            "() => { const p = [...document.querySelectorAll('#result-list .card .price')].map(e => e.textContent).filter(t => t).map(t => parseFloat(t.replace(/[^0-9.]/g, ''))); " +
            "return p.length > 1 && p.every((x, i) => i === 0 || p[i - 1] <= x); }");

        // Open a product's similar products.
        var firstTitle = await page.Locator("#result-list .card .title").First.TextContentAsync();
        await page.Locator("#result-list .card .similar").First.ClickAsync();
        await page.WaitForFunctionAsync("t => document.querySelector('#similar-title').textContent === `Similar to “${t}”`", firstTitle);
        await page.WaitForSelectorAsync("#result-list .card");
        var similarTitles = await page.Locator("#result-list .card .title").AllTextContentsAsync();
        Assert.DoesNotContain(firstTitle, similarTitles);

        // "More like these": the product opened in this session.
        var moreLikeThese = page.Locator("#more-like-these");
        Assert.Equal("More like the 1 product you opened", (await moreLikeThese.TextContentAsync())?.Trim());
        await moreLikeThese.ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#similar-title').textContent === 'More like the 1 product you opened'");
        await page.WaitForFunctionAsync("() => document.querySelector('#summary').textContent.includes('like the ones you opened')");
        Assert.True(await page.Locator("#result-list .card").CountAsync() > 0);
        Assert.Empty(errors);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _data.Delete(recursive: true);
    }
}
