using System.Text.Json.Serialization;
using VectorIndexer.Core.Lexical;

namespace VectorIndexer.Index.Qdrant;

/// <summary>How a generation's lexical settings are recorded in its collection metadata (source-generated, camelCase, enums by name).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LexicalOptions))]
internal sealed partial class QdrantJsonContext : JsonSerializerContext;
