using System.Text.Json;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using VectorIndexer.Core.Filtering;
using VectorIndexer.Core.Indexing;

namespace VectorIndexer.Index.Qdrant;

// Generations as collections: list, create (with payload indexes), switch the live alias, drop.
public partial class QdrantProductIndex
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<IndexGeneration>> ListGenerationsAsync(CancellationToken cancellationToken = default)
    {
        var collections = await CallAsync("list collections", generation: null, token => _client.ListCollectionsAsync(token), cancellationToken);
        var live = await GetLiveCollectionAsync(cancellationToken);
        var generations = new List<IndexGeneration>();
        foreach (var name in collections.Where(_names.IsGeneration))
        {
            try
            {
                generations.Add(await DescribeAsync(name, live, cancellationToken));
            }
            catch (GenerationNotFoundException)
            {
                // Dropped between the listing and the look-up.
            }
        }

        return [.. generations.OrderBy(g => g.CreatedAt).ThenBy(g => g.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<IndexGeneration?> GetLiveGenerationAsync(CancellationToken cancellationToken = default)
    {
        var live = await GetLiveCollectionAsync(cancellationToken);
        return live is null ? null : await DescribeAsync(live, live, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IndexGeneration> CreateGenerationAsync(IndexModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(model.Name, nameof(model));
        if (model.Dimensions is < 1 or > 65_536)
        {
            throw new ArgumentOutOfRangeException(nameof(model), model.Dimensions, "A model's dimensions must be between 1 and 65536.");
        }

        var now = _time.GetUtcNow();
        var name = _names.NewName(now);
        var metadata = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            [ModelMetadataKey] = model.Name,
            [CreatedMetadataKey] = now.ToUnixTimeMilliseconds(),
            [LexicalMetadataKey] = _lexical.Options.ToString(),
            [LexicalSettingsMetadataKey] = JsonSerializer.Serialize(_lexical.Options, QdrantJsonContext.Default.LexicalOptions),
        };
        var sparse = new SparseVectorConfig
        {
            Map =
            {
                [LexicalVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
                [NameVectorName] = new SparseVectorParams { Modifier = Modifier.Idf },
            },
        };
        await CallAsync(
            "create collection",
            generation: name,
            token => _client.CreateCollectionAsync(
                name,
                new VectorParams { Size = (ulong)model.Dimensions, Distance = Distance.Cosine },
                metadata: metadata,
                sparseVectorsConfig: sparse,
                cancellationToken: token),
            cancellationToken);

        var indexes = 0;
        try
        {
            foreach (var (field, type) in PayloadIndexes())
            {
                await CallAsync(
                    $"create payload index '{field}'",
                    generation: name,
                    token => _client.CreatePayloadIndexAsync(name, field, type, wait: true, cancellationToken: token),
                    cancellationToken);
                indexes++;
            }
        }
        catch
        {
            // Without its indexes the generation would filter slowly forever: leave nothing behind.
            await TryDeleteCollectionAsync(name);
            throw;
        }

        _dimensions[name] = model.Dimensions;
        _encoders[name] = _lexical;
        Log.GenerationCreated(_logger, name, model.Name, model.Dimensions, indexes);
        return new IndexGeneration(name, model, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), IsLive: false);
    }

    /// <inheritdoc />
    public async Task ActivateGenerationAsync(string generation, CancellationToken cancellationToken = default)
    {
        RequireGenerationName(generation);
        await GetDimensionsAsync(generation, cancellationToken);
        var live = await GetLiveCollectionAsync(cancellationToken);
        if (string.Equals(live, generation, StringComparison.Ordinal))
        {
            return;
        }

        // One request, applied atomically: searches see the old target or the new one, never none.
        var operations = new List<AliasOperations>(2);
        if (live is not null)
        {
            operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = _names.LiveAlias } });
        }

        operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = _names.LiveAlias, CollectionName = generation } });
        await CallAsync("switch the live alias", generation, token => _client.UpdateAliasesAsync(operations, cancellationToken: token), cancellationToken);
        Log.GenerationActivated(_logger, generation, live ?? "none");
    }

    /// <inheritdoc />
    public async Task DropGenerationAsync(string generation, CancellationToken cancellationToken = default)
    {
        RequireGenerationName(generation);
        var live = await GetLiveCollectionAsync(cancellationToken);
        if (string.Equals(live, generation, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Generation '{generation}' is live; activate another generation before dropping it.");
        }

        await EnsureExistsAsync(generation, cancellationToken);
        await CallAsync("drop collection", generation, token => _client.DeleteCollectionAsync(generation, cancellationToken: token), cancellationToken);
        _dimensions.TryRemove(generation, out _);
        _encoders.TryRemove(generation, out _);
        Log.GenerationDropped(_logger, generation);
    }

    private IEnumerable<(string Field, PayloadSchemaType Type)> PayloadIndexes()
    {
        foreach (var field in QdrantPayload.KeywordFields)
        {
            yield return (field, PayloadSchemaType.Keyword);
        }

        foreach (var attribute in _options.FilterableAttributes.Distinct(StringComparer.Ordinal))
        {
            yield return (ProductSchema.AttributePrefix + attribute, PayloadSchemaType.Keyword);
        }

        foreach (var field in QdrantPayload.FloatFields)
        {
            yield return (field, PayloadSchemaType.Float);
        }

        foreach (var field in QdrantPayload.BoolFields)
        {
            yield return (field, PayloadSchemaType.Bool);
        }
    }

    private async Task TryDeleteCollectionAsync(string name)
    {
        try
        {
            await _client.DeleteCollectionAsync(name, cancellationToken: CancellationToken.None);
        }
        catch (RpcException)
        {
            // The original failure is the one worth reporting.
        }
        catch (QdrantException)
        {
            // Likewise.
        }
    }

    private async Task<IndexGeneration> DescribeAsync(string name, string? live, CancellationToken cancellationToken)
    {
        var info = await CallAsync("describe collection", name, token => _client.GetCollectionInfoAsync(name, token), cancellationToken);
        var dimensions = (int)(info.Config?.Params?.VectorsConfig?.Params?.Size ?? 0);
        _dimensions[name] = dimensions;
        RememberLexical(name, info);
        var metadata = info.Config?.Metadata;
        var model = metadata is not null && metadata.TryGetValue(ModelMetadataKey, out var m) && m.KindCase == Value.KindOneofCase.StringValue
            ? m.StringValue
            : "unknown";
        var createdAt = metadata is not null && metadata.TryGetValue(CreatedMetadataKey, out var c)
            ? c.KindCase switch
            {
                Value.KindOneofCase.IntegerValue => DateTimeOffset.FromUnixTimeMilliseconds(c.IntegerValue),
                Value.KindOneofCase.DoubleValue => DateTimeOffset.FromUnixTimeMilliseconds((long)c.DoubleValue),
                _ => _names.CreatedAt(name),
            }
            : _names.CreatedAt(name);
        return new IndexGeneration(name, new IndexModel(model, dimensions), createdAt, string.Equals(name, live, StringComparison.Ordinal));
    }

    private async Task<string?> GetLiveCollectionAsync(CancellationToken cancellationToken)
    {
        var aliases = await CallAsync("list aliases", generation: null, token => _client.ListAliasesAsync(token), cancellationToken);
        return aliases.FirstOrDefault(a => string.Equals(a.AliasName, _names.LiveAlias, StringComparison.Ordinal))?.CollectionName;
    }

    private async Task<int> GetDimensionsAsync(string collection, CancellationToken cancellationToken)
    {
        if (_dimensions.TryGetValue(collection, out var known) && _encoders.ContainsKey(collection))
        {
            return known;
        }

        var info = await CallAsync("describe collection", collection, token => _client.GetCollectionInfoAsync(collection, token), cancellationToken);
        var dimensions = (int)(info.Config?.Params?.VectorsConfig?.Params?.Size ?? 0);
        _dimensions[collection] = dimensions;
        RememberLexical(collection, info);
        return dimensions;
    }

    private async Task<bool> ExistsAsync(string? generation, CancellationToken cancellationToken)
    {
        if (generation is null)
        {
            return await GetLiveCollectionAsync(cancellationToken) is not null;
        }

        return await CallAsync("check collection", generation, token => _client.CollectionExistsAsync(generation, token), cancellationToken);
    }

    private async Task EnsureExistsAsync(string? generation, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(generation, cancellationToken))
        {
            throw generation is null ? NoLiveGeneration() : UnknownGeneration(generation);
        }
    }
}
