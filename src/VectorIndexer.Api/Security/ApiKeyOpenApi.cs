using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace VectorIndexer.Api.Security;

/// <summary>
/// Declares the API key in the OpenAPI document: an <c>apiKey</c> security scheme (header
/// <c>X-Api-Key</c>) in the components, and a security requirement on each operation whose endpoint
/// requires <see cref="ApiKeyDefaults.Policy"/>.
/// </summary>
internal static class ApiKeyOpenApi
{
    public static void AddApiKeySecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[ApiKeyDefaults.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyDefaults.HeaderName,
                Description = "The key configured as Api:ApiKey. Required by the product push, delete, reindex and job endpoints.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var requiresKey = context.Description.ActionDescriptor.EndpointMetadata
                .OfType<IAuthorizeData>()
                .Any(a => string.Equals(a.Policy, ApiKeyDefaults.Policy, StringComparison.Ordinal));
            if (requiresKey)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(ApiKeyDefaults.Scheme, context.Document)] = [],
                });
            }

            return Task.CompletedTask;
        });
    }
}
