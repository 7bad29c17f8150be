using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli.Commands;

/// <summary><c>embed</c>: texts from arguments or standard input, one JSON array of floats per line out.</summary>
internal static class EmbedCommand
{
    private const int ChunkSize = 256;

    public static Command Create()
    {
        var engine = new EngineOptions();
        var texts = new Argument<string[]>("texts") { Description = "Texts to embed. Without any, one text per line is read from standard input.", Arity = ArgumentArity.ZeroOrMore };
        var query = new Option<bool>("--query") { Description = "Embed the texts as search queries (uses the model's query prefix, if any)." };
        var command = new Command("embed", "Embed texts; prints one JSON array of floats per input, in order.") { texts, query };
        engine.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggers = engine.CreateLoggerFactory(result);
            var purpose = result.GetValue(query) ? EmbeddingPurpose.Query : EmbeddingPurpose.Document;
            var arguments = result.GetValue(texts) ?? [];
            return await CommandErrors.RunAsync(async () =>
            {
                using var embedder = new OnnxEmbedder(engine.Read(result), loggers.CreateLogger<OnnxEmbedder>());
                var output = Console.Out;
                if (arguments.Length > 0)
                {
                    await WriteAsync(embedder, arguments, 1, purpose, output, cancellationToken);
                    return ExitCodes.Success;
                }

                var chunk = new List<string>(ChunkSize);
                var firstLine = 1;
                var lineNumber = 0;
                while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
                {
                    lineNumber++;
                    chunk.Add(line);
                    if (chunk.Count == ChunkSize)
                    {
                        await WriteAsync(embedder, chunk, firstLine, purpose, output, cancellationToken);
                        chunk.Clear();
                        firstLine = lineNumber + 1;
                    }
                }

                await WriteAsync(embedder, chunk, firstLine, purpose, output, cancellationToken);
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static async Task WriteAsync(OnnxEmbedder embedder, IReadOnlyList<string> texts, int firstNumber, EmbeddingPurpose purpose, TextWriter output, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return;
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new InputException($"text {firstNumber + i} is empty or only whitespace; every input line must hold a text.");
            }
        }

        var vectors = await embedder.EmbedAsync(texts, purpose, cancellationToken);
        foreach (var vector in vectors)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(vector));
        }

        await output.FlushAsync(cancellationToken);
    }
}
