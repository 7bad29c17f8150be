var builder = WebApplication.CreateBuilder(args);

builder.AddAllInOneDefaults();
builder.Services.AddEmbedding();
builder.AddProductIndex();
builder.AddQueryApi();
builder.Services.AddIndexingWorker();
builder.AddIndexingApi();
builder.AddStartupIndexing();

var app = builder.Build();

app.UseApiMiddleware();
app.UseSearchPage();
app.MapOpenApi();
app.MapSearchApi().RequirePublicRateLimit();
app.MapProductsApi().RequirePublicRateLimit();
app.MapRecommendApi().RequirePublicRateLimit();
app.MapCategoriesApi().RequirePublicRateLimit();
app.MapHealthApi();
app.MapIndexingApi();
app.MapAppStatusApi();
app.MapIndexingDashboard();

await app.RunAsync();

/// <summary>The all-in-one app's entry point; public for <c>WebApplicationFactory</c> tests.</summary>
public partial class Program;
