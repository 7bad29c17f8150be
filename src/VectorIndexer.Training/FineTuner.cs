using System.Diagnostics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VectorIndexer.Embedding;
using VectorIndexer.Embedding.Quantization;
using VectorIndexer.Embedding.Tokenization;
using VectorIndexer.Evaluation;
using VectorIndexer.Training.Bert;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace VectorIndexer.Training;

/// <summary>Where a run is: the phase, the step, the running loss, the speed and the time left.</summary>
public sealed record FineTuneProgress(string Phase, int Epoch, int Epochs, int Step, int Steps, double Loss, double PairsPerSecond, TimeSpan? Remaining, double? ValidationNdcg);

/// <summary>One epoch's outcome.</summary>
public sealed record EpochResult(int Epoch, int Steps, double MeanLoss, double? ValidationNdcg, double Seconds);

/// <summary>What a run did: the epochs, the validation score of the base model and of the kept weights, and the time.</summary>
public sealed record FineTuneResult(
    IReadOnlyList<EpochResult> Epochs,
    int TrainingPairs,
    int TrainingQueries,
    int ValidationQueries,
    double? BaseValidationNdcg,
    double? BestValidationNdcg,
    int BestEpoch,
    bool ResumedFromCheckpoint,
    double TrainingSeconds);

/// <summary>
/// Fine-tunes a <see cref="BertEncoder"/> on query-product pairs with the multiple-negatives ranking
/// loss: in each batch, a query's own product is the positive and every other product of the
/// batch (plus the judged-irrelevant ones, where given) a negative; cross-entropy over the scaled
/// cosine similarities. AdamW with linear warm-up and decay, gradient clipping. A share of the
/// queries is held out and scored (nDCG@10 over the whole catalogue) before training and after each
/// epoch; the best trained epoch's weights are kept (the base model's score is reported, never fallen back on) and the run stops after <see cref="FineTuneOptions.Patience"/>
/// epochs without a gain. Checkpoints (weights, optimizer state, position) are written every few
/// steps to a folder, and a run started again on the same data and settings resumes from there.
/// The dropout masks are seeded per step, so a run is reproducible, resumed or not.
/// </summary>
public sealed class FineTuner
{
    private const string StateFile = "state.json";
    private const string BestFile = "best.bin";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly BertEncoder _encoder;
    private readonly BertWordPieceTokenizer _tokenizer;
    private readonly ModelConfig _config;
    private readonly FineTuneOptions _options;
    private readonly string _baseIdentity;

    /// <summary>A tuner for <paramref name="encoder"/> (loaded from the model <paramref name="baseIdentity"/> names).</summary>
    public FineTuner(BertEncoder encoder, BertWordPieceTokenizer tokenizer, ModelConfig config, FineTuneOptions options, string baseIdentity)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _encoder = encoder;
        _tokenizer = tokenizer;
        _config = config;
        _options = options;
        _baseIdentity = baseIdentity;
    }

    /// <summary>
    /// Trains on <paramref name="data"/>, checkpointing to <paramref name="checkpointDirectory"/>
    /// (resumed when it holds a checkpoint of the same run), and leaves the kept weights in the encoder.
    /// </summary>
    /// <exception cref="ArgumentException">The data has fewer than two training pairs.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint folder holds a checkpoint of another run.</exception>
    public FineTuneResult Train(TrainingData data, string checkpointDirectory, IProgress<FineTuneProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(checkpointDirectory);
        if (_options.Threads > 0)
        {
            set_num_threads(_options.Threads);
        }

        var (training, validation) = Split(data);
        if (training.Count < 2)
        {
            throw new ArgumentException($"Fine-tuning needs at least 2 training pairs; the data ({data.Source}) gives {training.Count} after holding out validation queries.", nameof(data));
        }

        var batchesPerEpoch = Batches(training, 0).Count;
        var totalSteps = batchesPerEpoch * _options.Epochs;
        var warmup = (int)Math.Ceiling(totalSteps * _options.WarmupFraction);
        var fingerprint = Fingerprint(training, validation.Count);
        Directory.CreateDirectory(checkpointDirectory);
        var optimizer = optim.AdamW(_encoder.parameters(), lr: _options.LearningRate, weight_decay: _options.WeightDecay);
        var state = LoadCheckpoint(checkpointDirectory, fingerprint, optimizer);
        var resumed = state is not null;
        state ??= new CheckpointState { Fingerprint = fingerprint };
        if (!resumed && validation.Count > 0)
        {
            progress?.Report(new FineTuneProgress("validating", 0, _options.Epochs, 0, totalSteps, double.NaN, 0, null, null));
            state.BaseValidationNdcg = Validate(data, validation, cancellationToken);
            SaveCheckpoint(checkpointDirectory, state, optimizer);
        }

        var clock = Stopwatch.StartNew();
        var pairsDone = 0L;
        _encoder.train();
        while (state.Epoch < _options.Epochs && state.EpochsWithoutGain < _options.Patience)
        {
            var epochClock = Stopwatch.StartNew();
            var batches = Batches(training, state.Epoch);
            for (var b = state.StepInEpoch; b < batches.Count; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var lr = LearningRate(state.GlobalStep, totalSteps, warmup);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = lr;
                }

                var loss = Step(batches[b], optimizer, seed: _options.Seed + state.GlobalStep);
                state.EpochLossSum += loss;
                state.StepInEpoch = b + 1;
                state.GlobalStep++;
                pairsDone += batches[b].Count;
                var rate = pairsDone / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                var stepsLeft = totalSteps - state.GlobalStep;
                var remaining = TimeSpan.FromSeconds(stepsLeft * (clock.Elapsed.TotalSeconds / Math.Max(1, state.GlobalStep - (resumed ? state.ResumedAtStep : 0))));
                progress?.Report(new FineTuneProgress("training", state.Epoch + 1, _options.Epochs, state.GlobalStep, totalSteps, state.EpochLossSum / state.StepInEpoch, rate, remaining, null));
                if (state.GlobalStep % _options.CheckpointEvery == 0)
                {
                    SaveCheckpoint(checkpointDirectory, state, optimizer);
                }
            }

            double? score = null;
            if (validation.Count > 0)
            {
                progress?.Report(new FineTuneProgress("validating", state.Epoch + 1, _options.Epochs, state.GlobalStep, totalSteps, state.EpochLossSum / Math.Max(1, state.StepInEpoch), 0, null, null));
                score = Validate(data, validation, cancellationToken);
                _encoder.train();
                // The best trained epoch is kept; the base model's score is only reported (with few
                // held-out queries it is noise to fall back on, and the caller asked for a tuned model).
                if (state.BestEpoch == 0 || score > state.BestValidationNdcg)
                {
                    state.BestValidationNdcg = score;
                    state.BestEpoch = state.Epoch + 1;
                    state.EpochsWithoutGain = 0;
                    _encoder.save(Path.Combine(checkpointDirectory, BestFile));
                }
                else
                {
                    state.EpochsWithoutGain++;
                }
            }
            else
            {
                state.BestEpoch = state.Epoch + 1;
            }

            state.History.Add(new EpochResult(state.Epoch + 1, state.StepInEpoch, state.EpochLossSum / Math.Max(1, state.StepInEpoch), score, epochClock.Elapsed.TotalSeconds));
            progress?.Report(new FineTuneProgress("epoch done", state.Epoch + 1, _options.Epochs, state.GlobalStep, totalSteps, state.EpochLossSum / Math.Max(1, state.StepInEpoch), 0, null, score));
            state.Epoch++;
            state.StepInEpoch = 0;
            state.EpochLossSum = 0;
            SaveCheckpoint(checkpointDirectory, state, optimizer);
        }

        state.TrainingSeconds += clock.Elapsed.TotalSeconds;
        if (validation.Count > 0 && File.Exists(Path.Combine(checkpointDirectory, BestFile)))
        {
            _encoder.load(Path.Combine(checkpointDirectory, BestFile));
        }

        _encoder.eval();
        optimizer.Dispose();
        var queries = training.Select(p => p.QueryKey).Distinct(StringComparer.Ordinal).Count();
        return new FineTuneResult(state.History, training.Count, queries, validation.Count, state.BaseValidationNdcg, state.BestValidationNdcg, state.BestEpoch, resumed, state.TrainingSeconds);
    }

    /// <summary>
    /// The loss of one batch, and one optimizer step on it. Queries and products are encoded in
    /// two passes; the logits are the scaled cosine similarities of every query with every product
    /// of the batch (positives first, then the batch's hard negatives), and each query's label is
    /// its own product.
    /// </summary>
    internal double Step(IReadOnlyList<TrainingPair> batch, TorchSharp.Modules.AdamW optimizer, long seed)
    {
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var loss = BatchLoss(batch);
        optimizer.zero_grad();
        loss.backward();
        nn.utils.clip_grad_norm_(_encoder.parameters(), _options.MaxGradientNorm);
        optimizer.step();
        return loss.item<float>();
    }

    private Tensor BatchLoss(IReadOnlyList<TrainingPair> batch)
    {
        var device = _encoder.Weights.Values.First().device;
        var documents = batch.Select(p => p.Document).ToList();
        if (_options.JudgedHardNegatives)
        {
            documents.AddRange(batch.Where(p => p.Negative is not null).Select(p => p.Negative!));
        }

        var (queryIds, queryMask) = TokenBatch.Encode(_tokenizer, _config, [.. batch.Select(p => p.Query)], EmbeddingPurpose.Query, _options.MaxLength, device);
        var (documentIds, documentMask) = TokenBatch.Encode(_tokenizer, _config, documents, EmbeddingPurpose.Document, _options.MaxLength, device);
        // Cosine similarities: the encoder's output is unit length already when the model normalises.
        var queries = Unit(_encoder.forward(queryIds, queryMask));
        var products = Unit(_encoder.forward(documentIds, documentMask));
        var logits = queries.matmul(products.t()) * _options.Scale;
        var labels = arange(batch.Count, dtype: ScalarType.Int64, device: device);
        return F.cross_entropy(logits, labels);
    }

    private Tensor Unit(Tensor vectors) => _config.Normalize ? vectors : F.normalize(vectors, p: 2, dim: 1);

    /// <summary>The mean in-batch loss of <paramref name="pairs"/> in evaluation mode (no dropout, no step), in batches as training forms them.</summary>
    public double Loss(IReadOnlyList<TrainingPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var wasTraining = _encoder.training;
        _encoder.eval();
        try
        {
            using var noGrad = no_grad();
            var total = 0.0;
            var batches = Batches(pairs, 0);
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                total += BatchLoss(batch).item<float>();
            }

            return batches.Count == 0 ? double.NaN : total / batches.Count;
        }
        finally
        {
            _encoder.train(wasTraining);
        }
    }

    /// <summary>Mean nDCG@10 of the validation queries, each ranking the validation pool by cosine.</summary>
    private double Validate(TrainingData data, List<(string Text, IReadOnlyDictionary<string, double> Judged)> validation, CancellationToken cancellationToken)
    {
        var embedder = new TorchEmbedder(_encoder, _tokenizer, _config, _options.MaxLength, _encoder.Weights.Values.First().device);
        var ids = ValidationPool(data, validation);
        var documents = embedder.Embed([.. ids.Select(id => data.Catalogue[id])], EmbeddingPurpose.Document, 64, cancellationToken);
        var queries = embedder.Embed([.. validation.Select(v => v.Text)], EmbeddingPurpose.Query, 64, cancellationToken);
        var total = 0.0;
        var scores = new float[ids.Length];
        for (var q = 0; q < queries.Length; q++)
        {
            for (var d = 0; d < documents.Length; d++)
            {
                scores[d] = TensorPrimitives.Dot(queries[q], documents[d]);
            }

            var top = Enumerable.Range(0, ids.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(10).Select(i => ids[i]).ToArray();
            total += RelevanceMetrics.NdcgAt(top, validation[q].Judged, 10);
        }

        return total / queries.Length;
    }

    /// <summary>The products validation ranks: every product judged for a held-out query, plus a seeded sample of the rest.</summary>
    private string[] ValidationPool(TrainingData data, List<(string Text, IReadOnlyDictionary<string, double> Judged)> validation)
    {
        var all = data.Catalogue.Keys.Order(StringComparer.Ordinal).ToArray();
        if (_options.ValidationCatalogueSample == 0)
        {
            return all;
        }

        var judged = validation.SelectMany(v => v.Judged.Keys).Where(data.Catalogue.ContainsKey).ToHashSet(StringComparer.Ordinal);
        var others = all.Where(id => !judged.Contains(id)).ToArray();
        new Random(_options.Seed).Shuffle(others);
        return [.. judged.Concat(others.Take(_options.ValidationCatalogueSample)).Order(StringComparer.Ordinal)];
    }

    /// <summary>Holds out a seeded share of the query keys (at least one when the share is above 0 and there are two or more).</summary>
    private (List<TrainingPair> Training, List<(string Text, IReadOnlyDictionary<string, double> Judged)> Validation) Split(TrainingData data)
    {
        var keys = data.Pairs.Select(p => p.QueryKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var held = _options.ValidationFraction > 0 && keys.Length >= 2 ? Math.Max(1, (int)Math.Round(keys.Length * _options.ValidationFraction)) : 0;
        new Random(_options.Seed).Shuffle(keys);
        var validationKeys = keys.Take(held).Order(StringComparer.Ordinal).ToArray();
        var heldOut = validationKeys.ToHashSet(StringComparer.Ordinal);
        var validation = validationKeys
            .Select(k => (data.Pairs.First(p => p.QueryKey == k).Query, data.JudgedFor(k)))
            .ToList();
        return ([.. data.Pairs.Where(p => !heldOut.Contains(p.QueryKey))], validation);
    }

    /// <summary>
    /// The seed of an epoch's order: a fixed mix of the run's seed and the epoch, the same in every
    /// process (HashCode.Combine is seeded per process, so a fresh run would train on another order).
    /// </summary>
    internal static int EpochSeed(int seed, int epoch) => unchecked((seed * 1_000_003) + epoch);

    /// <summary>
    /// The batches of an epoch: the pairs in a seeded order, each batch filled with the next pairs
    /// whose query and product it does not hold yet (a repeated query or product would be its own
    /// false negative); the pairs passed over start the following batches.
    /// </summary>
    internal List<IReadOnlyList<TrainingPair>> Batches(IReadOnlyList<TrainingPair> pairs, int epoch)
    {
        var order = pairs.ToArray();
        new Random(EpochSeed(_options.Seed, epoch)).Shuffle(order);
        var pending = new LinkedList<TrainingPair>(order);
        var batches = new List<IReadOnlyList<TrainingPair>>();
        while (pending.Count > 0)
        {
            var batch = new List<TrainingPair>(_options.BatchSize);
            var queries = new HashSet<string>(StringComparer.Ordinal);
            var products = new HashSet<string>(StringComparer.Ordinal);
            for (var node = pending.First; node is not null && batch.Count < _options.BatchSize;)
            {
                var next = node.Next;
                if (queries.Add(node.Value.QueryKey))
                {
                    if (products.Add(node.Value.ProductId))
                    {
                        batch.Add(node.Value);
                        pending.Remove(node);
                    }
                    else
                    {
                        queries.Remove(node.Value.QueryKey);
                    }
                }

                node = next;
            }

            if (batch.Count < 2)
            {
                break; // what is left repeats one query: no negatives to learn from
            }

            batches.Add(batch);
        }

        return batches;
    }

    private double LearningRate(int step, int totalSteps, int warmup) =>
        step < warmup
            ? _options.LearningRate * (step + 1) / warmup
            : _options.LearningRate * Math.Max(0, totalSteps - step) / Math.Max(1, totalSteps - warmup);

    private string Fingerprint(IReadOnlyList<TrainingPair> training, int validationQueries)
    {
        var text = new StringBuilder();
        text.Append(_baseIdentity).Append('\n').Append(JsonSerializer.Serialize(_options)).Append('\n').Append(validationQueries).Append('\n');
        foreach (var pair in training)
        {
            text.Append(pair.QueryKey).Append('\t').Append(pair.ProductId).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private CheckpointState? LoadCheckpoint(string directory, string fingerprint, TorchSharp.Modules.AdamW optimizer)
    {
        var path = Path.Combine(directory, StateFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path), Json)
            ?? throw new InvalidOperationException($"'{path}' is empty.");
        if (state.Fingerprint != fingerprint)
        {
            throw new InvalidOperationException($"'{directory}' holds a checkpoint of another run (other data, settings or base model). Delete it, or pass another checkpoint folder, to start afresh.");
        }

        _encoder.load(Path.Combine(directory, state.WeightsFile!));
        optimizer.load_state_dict(Path.Combine(directory, state.OptimizerFile!));
        state.ResumedAtStep = state.GlobalStep;
        return state;
    }

    /// <summary>Writes the weights and optimizer state under new names, then the state naming them (atomically), then drops the previous pair.</summary>
    private void SaveCheckpoint(string directory, CheckpointState state, TorchSharp.Modules.AdamW optimizer)
    {
        var (oldWeights, oldOptimizer) = (state.WeightsFile, state.OptimizerFile);
        state.WeightsFile = $"weights-{state.GlobalStep}-{state.Epoch}.bin";
        state.OptimizerFile = $"optimizer-{state.GlobalStep}-{state.Epoch}.bin";
        _encoder.save(Path.Combine(directory, state.WeightsFile));
        optimizer.save_state_dict(Path.Combine(directory, state.OptimizerFile));
        AtomicFile.Replace(Path.Combine(directory, StateFile), temporary => File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json)));
        foreach (var old in new[] { oldWeights, oldOptimizer })
        {
            if (old is not null && old != state.WeightsFile && old != state.OptimizerFile)
            {
                File.Delete(Path.Combine(directory, old));
            }
        }
    }

    private sealed class CheckpointState
    {
        public string Fingerprint { get; set; } = "";

        public int Epoch { get; set; }

        public int StepInEpoch { get; set; }

        public int GlobalStep { get; set; }

        public double EpochLossSum { get; set; }

        public double? BaseValidationNdcg { get; set; }

        public double? BestValidationNdcg { get; set; }

        public int BestEpoch { get; set; }

        public int EpochsWithoutGain { get; set; }

        public double TrainingSeconds { get; set; }

        public string? WeightsFile { get; set; }

        public string? OptimizerFile { get; set; }

        public List<EpochResult> History { get; set; } = [];

        [System.Text.Json.Serialization.JsonIgnore]
        public int ResumedAtStep { get; set; }
    }
}
