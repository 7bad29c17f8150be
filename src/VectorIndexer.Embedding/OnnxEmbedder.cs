using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using VectorIndexer.Embedding.Tokenization;

namespace VectorIndexer.Embedding;

/// <summary>
/// The embedding engine: one shared ONNX Runtime session, texts tokenized, sorted by length,
/// cut into padded batches bounded by size and token count, run concurrently, mean-pooled and
/// L2-normalised. Thread-safe; one instance per process.
/// </summary>
public sealed class OnnxEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly bool _oneTextPerCall;
    private readonly SemaphoreSlim _gate;
    private readonly ILogger _logger;
    private readonly EmbeddingOptions _options;
    private readonly string _inputIdsName;
    private readonly string? _attentionMaskName;
    private readonly string? _tokenTypeIdsName;
    private readonly string _outputName;
    private readonly bool _outputIsPooled;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private bool _disposed;
    private long _texts;
    private long _tokens;
    private long _paddedTokens;
    private long _batches;
    private long _tokenizationTicks;
    private long _prepareTicks;
    private long _inferenceTicks;

    public OnnxEmbedder(EmbeddingOptions options, ILogger<OnnxEmbedder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Model = EmbeddingModel.Open(options.ModelPath, options.Model);
        if (options.MaxLength > Model.Config.MaxLength)
        {
            throw new ModelLoadException($"Embedding:MaxLength is {options.MaxLength}, above the model's limit of {Model.Config.MaxLength} tokens.");
        }

        Tokenizer = BertWordPieceTokenizer.FromVocabulary(Model.VocabPath, Model.Config.LowerCase);
        Concurrency = options.Concurrency > 0 ? options.Concurrency : Environment.ProcessorCount;
        _gate = new SemaphoreSlim(Concurrency, Concurrency);

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
        ExecutionProvider = ExecutionProviders.Configure(sessionOptions, options.Device, options.GpuDeviceId, _logger);
        Model = Model.ForPrecision(options.Precision, ExecutionProvider, _logger);

        // An int8 model quantizes its activations with one scale per tensor, taken from the whole
        // model call: a text's vector would change with the texts batched beside it (cosine down to
        // 0.9976 seen), so the same product would not embed the same twice. One text per call keeps
        // every vector a function of its own text, for 2 % of int8's throughput (docs/benchmarks.md).
        _oneTextPerCall = Model.Precision == EmbeddingPrecision.Int8;
        try
        {
            _session = new InferenceSession(Model.OnnxPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"ONNX Runtime could not load '{Model.OnnxPath}': {ex.Message}", ex);
        }

        try
        {
            (_inputIdsName, _attentionMaskName, _tokenTypeIdsName) = DiscoverInputs(_session);
            (_outputName, _outputIsPooled) = DiscoverOutput(_session);
            _inputNames = new[] { _inputIdsName, _attentionMaskName, _tokenTypeIdsName }.OfType<string>().ToArray();
            _outputNames = [_outputName];
            Dimensions = ReadDimensions();
        }
        catch
        {
            _session.Dispose();
            throw;
        }

        Log.ModelLoaded(_logger, Model.Name, Model.Directory, Dimensions, options.MaxLength, ExecutionProvider, Concurrency, options.IntraOpThreads);
    }

    public EmbeddingModel Model { get; }

    public BertWordPieceTokenizer Tokenizer { get; }

    /// <summary>Length of every vector this engine returns.</summary>
    public int Dimensions { get; }

    /// <summary>The ONNX Runtime execution provider that runs the model.</summary>
    public string ExecutionProvider { get; }

    public int Concurrency { get; }

    public int MaxLength => _options.MaxLength;

    /// <summary>Counters since the engine started; subtract two snapshots to measure a span.</summary>
    public EmbedderStatistics Statistics => new()
    {
        Texts = Interlocked.Read(ref _texts),
        Tokens = Interlocked.Read(ref _tokens),
        PaddedTokens = Interlocked.Read(ref _paddedTokens),
        Batches = Interlocked.Read(ref _batches),
        Tokenization = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _tokenizationTicks)),
        PrepareAndPool = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _prepareTicks)),
        Inference = Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _inferenceTicks)),
    };

    /// <summary>Embeds <paramref name="texts"/>; the vectors come back in input order.</summary>
    /// <exception cref="ArgumentException">A text is null, empty or only whitespace.</exception>
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, EmbeddingPurpose purpose = EmbeddingPurpose.Document, CancellationToken cancellationToken = default) =>
        EmbedAsync(texts, purpose, _options.MaxBatchSize, _options.MaxTokensPerBatch, cancellationToken);

    /// <summary>
    /// Embeds <paramref name="texts"/> with this call's own bounds on a model call (in place of
    /// <c>Embedding:MaxBatchSize</c> and <c>Embedding:MaxTokensPerBatch</c>), for callers whose texts
    /// differ from the documents those settings are tuned for, such as batches of short queries.
    /// </summary>
    /// <exception cref="ArgumentException">A text is null, empty or only whitespace.</exception>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, EmbeddingPurpose purpose, int maxBatchSize, int maxTokensPerBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokensPerBatch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new ArgumentException(texts.Count == 1
                    ? "The text to embed is null, empty or only whitespace."
                    : $"The text at index {i} is null, empty or only whitespace.", nameof(texts));
            }
        }

        var results = new float[texts.Count][];
        var prefix = purpose == EmbeddingPurpose.Query ? Model.Config.QueryPrefix : Model.Config.DocumentPrefix;
        var stopwatch = Stopwatch.StartNew();
        long tokens = 0;
        var batches = 0;
        for (var windowStart = 0; windowStart < texts.Count; windowStart += _options.SortWindow)
        {
            var count = Math.Min(_options.SortWindow, texts.Count - windowStart);
            var encoded = new Encoded[count];
            var tokenizeStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = texts[windowStart + i];
                var ids = Tokenizer.EncodeToIds(prefix.Length == 0 ? text : prefix + text, _options.MaxLength);
                encoded[i] = new Encoded(windowStart + i, ids);
                tokens += ids.Length;
            }

            Interlocked.Add(ref _tokenizationTicks, Stopwatch.GetTimestamp() - tokenizeStart);

            var plan = PlanBatches(encoded, _oneTextPerCall ? 1 : maxBatchSize, maxTokensPerBatch);
            batches += plan.Count;
            if (plan.Count == 1)
            {
                await RunBatchAsync(plan[0], results, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Parallel.ForEachAsync(
                    plan,
                    new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                    (batch, ct) => new ValueTask(RunBatchAsync(batch, results, ct))).ConfigureAwait(false);
            }
        }

        Interlocked.Add(ref _texts, texts.Count);
        Interlocked.Add(ref _tokens, tokens);
        Interlocked.Add(ref _batches, batches);
        Log.Embedded(_logger, texts.Count, tokens, batches, stopwatch.Elapsed.TotalMilliseconds);
        return results;
    }

    /// <summary>Embeds one text.</summary>
    public async Task<float[]> EmbedAsync(string text, EmbeddingPurpose purpose = EmbeddingPurpose.Document, CancellationToken cancellationToken = default)
    {
        var vectors = await EmbedAsync([text], purpose, cancellationToken).ConfigureAwait(false);
        return vectors[0];
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _session.Dispose();
        _gate.Dispose();
    }

    /// <summary>Sorted by length, cut where the batch is full or its padded size would exceed the token budget.</summary>
    private static List<ArraySegment<Encoded>> PlanBatches(Encoded[] encoded, int maxBatchSize, int maxTokensPerBatch)
    {
        Array.Sort(encoded, static (a, b) => a.Ids.Length != b.Ids.Length ? a.Ids.Length.CompareTo(b.Ids.Length) : a.Index.CompareTo(b.Index));
        var plan = new List<ArraySegment<Encoded>>();
        var start = 0;
        while (start < encoded.Length)
        {
            var end = start + 1;
            while (end < encoded.Length
                   && end - start < maxBatchSize
                   && (end - start + 1) * encoded[end].Ids.Length <= maxTokensPerBatch)
            {
                end++;
            }

            plan.Add(new ArraySegment<Encoded>(encoded, start, end - start));
            start = end;
        }

        return plan;
    }

    private async Task RunBatchAsync(ArraySegment<Encoded> batch, float[][] results, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var runOptions = new RunOptions();
            // A cancelled request stops the model call in progress, not only the next one.
            using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            try
            {
                RunBatch(batch, results, runOptions);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void RunBatch(ArraySegment<Encoded> batch, float[][] results, RunOptions runOptions)
    {
        var started = Stopwatch.GetTimestamp();
        long inference = 0;
        var rows = batch.Count;
        var sequence = 0;
        foreach (var item in batch)
        {
            sequence = Math.Max(sequence, item.Ids.Length);
        }

        var cells = rows * sequence;
        var ids = ArrayPool<long>.Shared.Rent(cells);
        var mask = ArrayPool<long>.Shared.Rent(cells);
        var types = _tokenTypeIdsName is null ? null : ArrayPool<long>.Shared.Rent(cells);
        var hiddenSize = Dimensions;
        var outputLength = _outputIsPooled ? rows * hiddenSize : cells * hiddenSize;
        var output = ArrayPool<float>.Shared.Rent(Math.Max(outputLength, 1));
        try
        {
            var idSpan = ids.AsSpan(0, cells);
            var maskSpan = mask.AsSpan(0, cells);
            idSpan.Fill(Tokenizer.PadId);
            maskSpan.Clear();
            types?.AsSpan(0, cells).Clear();
            for (var r = 0; r < rows; r++)
            {
                var tokenIds = batch[r].Ids;
                var row = idSpan.Slice(r * sequence, tokenIds.Length);
                for (var t = 0; t < tokenIds.Length; t++)
                {
                    row[t] = tokenIds[t];
                }

                maskSpan.Slice(r * sequence, tokenIds.Length).Fill(1);
            }

            long[] shape = [rows, sequence];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<long>(ids, 0, cells), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<long>(mask, 0, cells), shape);
            using var typesValue = types is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<long>(types, 0, cells), shape);
            var inputs = new List<OrtValue>(3) { idsValue };
            if (_attentionMaskName is not null)
            {
                inputs.Add(maskValue);
            }

            if (typesValue is not null)
            {
                inputs.Add(typesValue);
            }

            long[] outputShape = _outputIsPooled ? [rows, hiddenSize] : [rows, sequence, hiddenSize];
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(output, 0, outputLength), outputShape);
            var runStart = Stopwatch.GetTimestamp();
            _session.Run(runOptions, _inputNames, inputs, _outputNames, [outputValue]);
            inference = Stopwatch.GetTimestamp() - runStart;

            for (var r = 0; r < rows; r++)
            {
                var vector = new float[hiddenSize];
                var length = batch[r].Ids.Length;
                if (_outputIsPooled)
                {
                    output.AsSpan(r * hiddenSize, hiddenSize).CopyTo(vector);
                }
                else if (Model.Config.Pooling == PoolingMode.Cls)
                {
                    output.AsSpan(r * sequence * hiddenSize, hiddenSize).CopyTo(vector);
                }
                else
                {
                    var tokensOfRow = output.AsSpan(r * sequence * hiddenSize, length * hiddenSize);
                    for (var t = 0; t < length; t++)
                    {
                        TensorPrimitives.Add(vector, tokensOfRow.Slice(t * hiddenSize, hiddenSize), vector);
                    }

                    TensorPrimitives.Divide(vector, length, vector);
                }

                if (Model.Config.Normalize)
                {
                    var norm = TensorPrimitives.Norm(vector);
                    if (norm > 0)
                    {
                        TensorPrimitives.Divide(vector, norm, vector);
                    }
                }

                results[batch[r].Index] = vector;
            }
        }
        finally
        {
            Interlocked.Add(ref _paddedTokens, cells);
            Interlocked.Add(ref _inferenceTicks, inference);
            Interlocked.Add(ref _prepareTicks, Stopwatch.GetTimestamp() - started - inference);
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            if (types is not null)
            {
                ArrayPool<long>.Shared.Return(types);
            }

            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>The vector size, from the model's declared output shape.</summary>
    private int ReadDimensions()
    {
        var declared = _session.OutputMetadata[_outputName].Dimensions;
        var last = declared[^1];
        if (last > 0)
        {
            return last;
        }

        throw new ModelLoadException($"The model's output '{_outputName}' has no fixed vector size ({string.Join(" x ", declared)}); export it with a static hidden dimension.");
    }

    private static (string InputIds, string? AttentionMask, string? TokenTypeIds) DiscoverInputs(InferenceSession session)
    {
        string? inputIds = null, attentionMask = null, tokenTypeIds = null;
        foreach (var (name, metadata) in session.InputMetadata)
        {
            if (metadata.ElementDataType != TensorElementType.Int64)
            {
                throw new ModelLoadException($"The model's input '{name}' is {metadata.ElementDataType}; only int64 token inputs are supported.");
            }

            if (name.Contains("input_ids", StringComparison.OrdinalIgnoreCase))
            {
                inputIds = name;
            }
            else if (name.Contains("attention_mask", StringComparison.OrdinalIgnoreCase))
            {
                attentionMask = name;
            }
            else if (name.Contains("token_type_ids", StringComparison.OrdinalIgnoreCase))
            {
                tokenTypeIds = name;
            }
            else
            {
                throw new ModelLoadException($"The model has an input '{name}' that a BERT-style encoder does not have (expected input_ids, attention_mask, token_type_ids).");
            }
        }

        return (inputIds ?? throw new ModelLoadException("The model has no 'input_ids' input; it is not a BERT-style encoder."), attentionMask, tokenTypeIds);
    }

    private static (string Name, bool Pooled) DiscoverOutput(InferenceSession session)
    {
        foreach (var preferred in new[] { "last_hidden_state", "token_embeddings" })
        {
            if (session.OutputMetadata.ContainsKey(preferred))
            {
                return (preferred, false);
            }
        }

        foreach (var (name, metadata) in session.OutputMetadata)
        {
            if (metadata.Dimensions.Length == 3)
            {
                return (name, false);
            }
        }

        foreach (var (name, metadata) in session.OutputMetadata)
        {
            if (metadata.Dimensions.Length == 2)
            {
                return (name, true);
            }
        }

        throw new ModelLoadException("The model has no output of token vectors [batch, tokens, dims] or sentence vectors [batch, dims].");
    }

    private readonly record struct Encoded(int Index, int[] Ids);
}
