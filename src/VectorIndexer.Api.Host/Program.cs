var builder = WebApplication.CreateBuilder(args);

builder.Services.AddEmbedding();
builder.AddProductIndex();
builder.AddQueryApi();
builder.AddIndexingApi();

var app = builder.Build();

app.UseApiMiddleware();
app.MapOpenApi();
app.MapSearchApi().RequirePublicRateLimit();
app.MapProductsApi().RequirePublicRateLimit();
app.MapRecommendApi().RequirePublicRateLimit();
app.MapCategoriesApi().RequirePublicRateLimit();
app.MapHealthApi();
app.MapIndexingApi();

app.Run();

/// <summary>The query API's entry point; public for <c>WebApplicationFactory</c> tests.</summary>
public partial class Program;
