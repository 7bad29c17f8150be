using System.ComponentModel.DataAnnotations;

namespace VectorIndexer.Embedding;

/// <summary>Where the model runs.</summary>
public enum EmbeddingDevice
{
    /// <summary>CUDA when its provider loads, otherwise the CPU with a warning saying why.</summary>
    Auto,

    /// <summary>CUDA or nothing: the process stops at start when the provider cannot load.</summary>
    Cuda,

    /// <summary>The CPU only.</summary>
    Cpu,
}

/// <summary>Settings of the embedding engine (configuration section <c>Embedding</c>).</summary>
public sealed class EmbeddingOptions
{
    public const string SectionName = "Embedding";

    /// <summary>
    /// The bundled model: <c>minilm</c> (all-MiniLM-L6-v2) or <c>arctic-xs</c> (snowflake-arctic-embed-xs).
    /// Ignored when <see cref="ModelPath"/> is set.
    /// </summary>
    [RegularExpression("(?i)minilm|arctic-xs", ErrorMessage = "Embedding:Model must be minilm or arctic-xs (or set Embedding:ModelPath to a model folder).")]
    public string Model { get; set; } = BundledModel.DefaultKey;

    /// <summary>
    /// A folder holding <c>model.onnx</c>, <c>vocab.txt</c> and optionally <c>model.json</c>.
    /// Empty: the bundled model named by <see cref="Model"/>.
    /// </summary>
    public string? ModelPath { get; set; }

    public EmbeddingDevice Device { get; set; } = EmbeddingDevice.Auto;

    /// <summary>
    /// auto (the default): int8 for the bundled model on the CPU, fp32 on CUDA and for a model folder
    /// of one's own; or fp32, or int8 (the bundled model quantized once and cached). int8 measured
    /// 2.1× the fp32 texts/s here at no measurable nDCG@10 loss (docs/benchmarks.md);
    /// see <see cref="EmbeddingPrecision"/>.
    /// </summary>
    public EmbeddingPrecision Precision { get; set; } = EmbeddingPrecision.Auto;

    /// <summary>CUDA device ordinal.</summary>
    [Range(0, 64)]
    public int GpuDeviceId { get; set; }

    /// <summary>Tokens per text, [CLS] and [SEP] included; longer texts are truncated. Never above the model's limit.</summary>
    [Range(8, 8192)]
    public int MaxLength { get; set; } = 256;

    /// <summary>Most texts in one model call (fp32; an int8 model runs one text per call, so that its vectors do not depend on the batch).</summary>
    [Range(1, 4096)]
    public int MaxBatchSize { get; set; } = 4;

    /// <summary>Most padded tokens (texts × longest text) in one model call; a text longer than this runs alone.</summary>
    [Range(8, 1_048_576)]
    public int MaxTokensPerBatch { get; set; } = 256;

    /// <summary>Threads ONNX Runtime uses inside one model call on the CPU.</summary>
    [Range(1, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Model calls run at once over the shared session; 0 = one per processor.</summary>
    [Range(0, 256)]
    public int Concurrency { get; set; }

    /// <summary>Texts tokenized and length-sorted together; bounds memory for long inputs.</summary>
    [Range(1, 1_000_000)]
    public int SortWindow { get; set; } = 1024;
}
