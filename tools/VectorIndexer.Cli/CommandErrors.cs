using VectorIndexer.Core.Filtering;
using VectorIndexer.Embedding;

namespace VectorIndexer.Cli;

/// <summary>Maps the failures every command can meet to a message on stderr and an exit code.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body();
        }
        catch (ModelLoadException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Configuration;
        }
        catch (Exception ex) when (ex is InputException or InvalidDataException or FilterValidationException or FileNotFoundException or DirectoryNotFoundException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
    }
}

/// <summary>Input the user must fix; the message says where.</summary>
internal sealed class InputException(string message) : Exception(message);
