using Grpc.Core;
using Qdrant.Client;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant;

// Mapping gRPC failures to the index's exceptions, with retries for the transient ones.
public partial class QdrantProductIndex
{
    private GenerationNotFoundException NoLiveGeneration() =>
        new($"No generation of the index '{_names.Prefix}' is live yet (the alias '{_names.LiveAlias}' does not exist): create a generation, fill it and activate it.");

    private GenerationNotFoundException UnknownGeneration(string generation) =>
        new($"'{generation}' is not a generation of the index '{_names.Prefix}' on {_options.Endpoint}.");

    /// <summary>
    /// Runs a call with retries and turns Qdrant's errors into the contract's: a missing
    /// collection or alias into <see cref="GenerationNotFoundException"/> (when
    /// <paramref name="generation"/> is set, or null meaning the live alias, for data calls),
    /// an invalid request into <see cref="ArgumentException"/>, the rest into
    /// <see cref="QdrantIndexException"/> saying what failed.
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, string? generation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(operation, action, cancellationToken);
        }
        catch (RpcException ex) when (cancellationToken.IsCancellationRequested || ex.StatusCode == StatusCode.Cancelled)
        {
            throw new OperationCanceledException($"Qdrant {operation} was cancelled.", ex, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            var missing = generation is null ? NoLiveGeneration() : UnknownGeneration(generation);
            throw new GenerationNotFoundException(missing.Message, ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            throw new ArgumentException($"Qdrant rejected the {operation} request: {ex.Status.Detail}", ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            throw new QdrantIndexException(
                $"Qdrant at {_options.Endpoint} refused the {operation} request ({ex.StatusCode}): check Index:Qdrant:ApiKey. {ex.Status.Detail}",
                ex);
        }
        catch (RpcException ex)
        {
            throw new QdrantIndexException($"Qdrant {operation} at {_options.Endpoint} failed ({ex.StatusCode}): {ex.Status.Detail}", ex);
        }
        catch (QdrantException ex)
        {
            throw new QdrantIndexException($"Qdrant {operation} at {_options.Endpoint} failed: {ex.Message}", ex);
        }
    }

    private async Task CallAsync(string operation, string? generation, Func<CancellationToken, Task> action, CancellationToken cancellationToken) =>
        await CallAsync(
            operation,
            generation,
            async token =>
            {
                await action(token);
                return true;
            },
            cancellationToken);
}
