namespace VectorIndexer.Training;

/// <summary>
/// Settings of a fine-tuning run. The defaults are those of sentence-transformers' fine-tuning of
/// small BERT encoders with in-batch negatives: AdamW at 2e-5, 10 % linear warm-up then linear decay,
/// batch 32, one epoch, logit scale 20.
/// </summary>
public sealed record FineTuneOptions
{
    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 2e-5;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Passes over the training pairs (1-20); early stopping may end the run sooner.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Pairs per step; each pair's document is a negative for the batch's other queries.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Token limit of the texts while training (the model folder keeps its own limit for serving).</summary>
    public int MaxLength { get; init; } = 128;

    /// <summary>Share of the steps spent warming the learning rate up from 0.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Multiplies the cosine similarities before the softmax (sentence-transformers' scale).</summary>
    public double Scale { get; init; } = 20;

    /// <summary>Dropout of the hidden states and attention weights while training.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Gradient norm clip.</summary>
    public double MaxGradientNorm { get; init; } = 1.0;

    /// <summary>Seed of the shuffle, the validation split and the dropout masks: the same seed gives the same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Share of the queries held out to score each epoch (nDCG@10) for early stopping; 0 turns validation off.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Validation ranks the products judged for the held-out queries among this many others drawn
    /// (seeded) from the catalogue, so that scoring an epoch costs seconds, not a whole-catalogue
    /// embedding; 0 ranks the whole catalogue. Only early stopping uses this score: report with eval.
    /// </summary>
    public int ValidationCatalogueSample { get; init; } = 1000;

    /// <summary>Epochs without a better validation nDCG@10 before the run stops; the best epoch's weights are kept.</summary>
    public int Patience { get; init; } = 1;

    /// <summary>Steps between checkpoints (a killed run resumes from the last one).</summary>
    public int CheckpointEvery { get; init; } = 25;

    /// <summary>Add a product judged irrelevant to the same query (gain 0) as an extra negative, when there is one.</summary>
    public bool JudgedHardNegatives { get; init; } = true;

    /// <summary>Threads LibTorch uses; 0 means one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, string rule)
        {
            if (!ok)
            {
                throw new ArgumentException($"{name} {rule}.", name);
            }
        }

        Require(LearningRate is > 0 and < 1, nameof(LearningRate), "must be above 0 and below 1");
        Require(WeightDecay is >= 0 and < 1, nameof(WeightDecay), "must be at least 0 and below 1");
        Require(Epochs is >= 1 and <= 20, nameof(Epochs), "must be between 1 and 20");
        Require(BatchSize is >= 2 and <= 1024, nameof(BatchSize), "must be between 2 and 1024 (in-batch negatives need at least 2)");
        Require(MaxLength is >= 8 and <= 512, nameof(MaxLength), "must be between 8 and 512");
        Require(WarmupFraction is >= 0 and < 1, nameof(WarmupFraction), "must be at least 0 and below 1");
        Require(Scale is > 0 and <= 100, nameof(Scale), "must be above 0 and at most 100");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), "must be at least 0 and below 1");
        Require(MaxGradientNorm > 0, nameof(MaxGradientNorm), "must be above 0");
        Require(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), "must be at least 0 and below 1");
        Require(ValidationCatalogueSample >= 0, nameof(ValidationCatalogueSample), "must be 0 (the whole catalogue) or more");
        Require(Patience >= 1, nameof(Patience), "must be at least 1");
        Require(CheckpointEvery >= 1, nameof(CheckpointEvery), "must be at least 1");
        Require(Threads >= 0, nameof(Threads), "must be 0 (one per core) or more");
    }
}
