using System.Diagnostics.CodeAnalysis;

namespace VectorIndexer.Embedding;

/// <summary>The number format of the model's matrix multiplications (setting <c>Embedding:Precision</c>).</summary>
public enum EmbeddingPrecision
{
    /// <summary>The model as it is: fp32 weights and arithmetic.</summary>
    Fp32,

    /// <summary>
    /// int8 weights and activations in the MatMul/Gemm layers (dynamic quantization), the rest fp32.
    /// The bundled model is quantized once, into a folder beside it (or under the temporary folder
    /// where that cannot be written), checked by its pinned SHA-256 at every start and made again when
    /// it differs. A model folder of one's own is quantized with <c>vectorindexer quantize</c>.
    /// </summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The setting's value is the number format's name, int8.")]
    Int8,

    /// <summary>int8 for the bundled model on the CPU; fp32 on CUDA (ONNX Runtime has no CUDA kernel for the int8 operator) and for a model folder of one's own, which is used as it is.</summary>
    Auto,
}
