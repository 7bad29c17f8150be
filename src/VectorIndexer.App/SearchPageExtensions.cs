namespace Microsoft.AspNetCore.Builder;

/// <summary>The search page for people: static files under <c>wwwroot</c>, served at <c>/</c>.</summary>
public static class SearchPageExtensions
{
    /// <summary>
    /// Serves <c>wwwroot</c> (<c>/</c> is <c>index.html</c>). The page runs only its own script and
    /// style and talks only to this origin (a strict Content-Security-Policy), and browsers revalidate
    /// the files on each load so a new version is picked up at once.
    /// </summary>
    public static IApplicationBuilder UseSearchPage(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' https: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
                    headers["Referrer-Policy"] = "no-referrer";
                }
            },
        });
        return app;
    }
}
