namespace VectorIndexer.Api.Tests;

/// <summary>The query API hands work to the worker through its client and never loads the worker itself.</summary>
public sealed class DependencyTests
{
    [Fact]
    public void Api_ReferencesTheWorkerClient_NotTheWorker()
    {
        var referenced = typeof(Microsoft.Extensions.Hosting.IndexingApiHostingExtensions).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("VectorIndexer.Worker.Client", referenced);
        Assert.DoesNotContain("VectorIndexer.Worker", referenced);
    }
}
