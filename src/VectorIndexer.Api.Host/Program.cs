var builder = WebApplication.CreateBuilder(args);

builder.Services.AddEmbedding();
builder.AddProductIndex();
builder.AddQueryApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapSearchApi();
app.MapProductsApi();
app.MapHealthApi();

app.Run();

/// <summary>The query API's entry point; public for <c>WebApplicationFactory</c> tests.</summary>
public partial class Program;
