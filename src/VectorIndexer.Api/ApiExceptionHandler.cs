using Grpc.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Api;

/// <summary>
/// Turns every unhandled exception into a ProblemDetails without its message: 400 for a request the
/// framework could not read (413 for a body over the limit), 409 when the live generation cannot serve
/// the search mode asked for (it predates it: search dense or reindex), 503 with Retry-After when no
/// generation is live, the index backend is unreachable or the job store has a transient failure, and
/// a generic 500 otherwise. The exception itself goes to the log.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client should wait before retrying a 503.</summary>
    public const int RetryAfterSeconds = 30;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is SearchModeNotSupportedException)
        {
            // A fixed text: the exception's own message names the generation.
            LogModeNotSupported(logger, httpContext.Request.Path, exception);
            httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "The live index generation does not support this search mode.",
                    Detail = "It was created before this mode existed. " + SearchModeNotSupportedException.Advice,
                },
            }).ConfigureAwait(false);
        }

        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "The request body is too large."),
            BadHttpRequestException bad => (bad.StatusCode, "The request could not be read."),
            GenerationNotFoundException => (StatusCodes.Status503ServiceUnavailable, "No index generation is live yet."),
            _ when IsBackendUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "The product index is unreachable."),
            _ when IsJobStoreBusy(exception) => (StatusCodes.Status503ServiceUnavailable, "The job store is busy or unreachable."),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred."),
        };

        if (status >= StatusCodes.Status500InternalServerError)
        {
            LogFailure(logger, status, httpContext.Request.Path, exception);
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = title },
        }).ConfigureAwait(false);
    }

    private static bool IsBackendUnavailable(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded,
        HttpRequestException or TimeoutException => true,
        _ => exception.InnerException is not null && IsBackendUnavailable(exception.InnerException),
    };

    /// <summary>A transient database failure (SQLite busy, PostgreSQL unreachable), possibly wrapped by Hangfire's client.</summary>
    private static bool IsJobStoreBusy(Exception exception) => exception switch
    {
        System.Data.Common.DbException { IsTransient: true } => true,
        _ => exception.InnerException is not null && IsJobStoreBusy(exception.InnerException),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Request to {Path} failed with {Status}")]
    private static partial void LogFailure(ILogger logger, int status, PathString path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Request to {Path} refused with 409: the live generation does not support the search mode; reindex to serve it")]
    private static partial void LogModeNotSupported(ILogger logger, PathString path, Exception exception);
}
