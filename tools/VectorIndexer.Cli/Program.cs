using System.CommandLine;
using VectorIndexer.Cli.Commands;

var root = new RootCommand("VectorIndexer: semantic product search. Embeds products with a BERT model and benchmarks the engine.")
{
    EmbedCommand.Create(),
    BenchCommand.Create(),
    EvalCommand.Create(),
    QuantizeCommand.Create(),
    FinetuneCommand.Create(),
    AverageModelsCommand.Create(),
    CompareCommand.Create(),
    NeighboursCommand.Create(),
    CategoriseCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
