namespace VectorIndexer.Evaluation.Tests;

public sealed class EvaluationFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadQueries_WithDefaultColumns_ReadsInFileOrder()
    {
        var path = _dir.File("q.tsv", "query_id\tquery\r\n10\tred shoes\r\n\r\n2\tusb c cable\n");

        var queries = await EvaluationFiles.ReadQueriesAsync(path, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([new EvaluationQuery("10", "red shoes"), new EvaluationQuery("2", "usb c cable")], queries);
    }

    [Fact]
    public async Task ReadQueries_WithConfiguredColumns_FindsThemInAnyOrder()
    {
        var path = _dir.File("q.tsv", "text\tlang\tqid\nred shoes\ten\tA\n");

        var queries = await EvaluationFiles.ReadQueriesAsync(path, new QueryColumns("qid", "text"), TestContext.Current.CancellationToken);

        Assert.Equal([new EvaluationQuery("A", "red shoes")], queries);
    }

    [Fact]
    public async Task ReadQueries_MissingFile_NamesIt()
    {
        var path = _dir.File("absent.tsv");

        var ex = await Assert.ThrowsAsync<FileNotFoundException>(() => EvaluationFiles.ReadQueriesAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("absent.tsv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadQueries_MissingColumn_NamesItAndTheColumnsFound()
    {
        var path = _dir.File("q.tsv", "id\ttext\n1\tshoes\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadQueriesAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("no column 'query_id'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'id', 'text'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadQueries_RepeatedId_FailsWithLineNumber()
    {
        var path = _dir.File("q.tsv", "query_id\tquery\n1\ta\n1\tb\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadQueriesAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("q.tsv:3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJudgements_ReadsGainsAndTheTopGrade()
    {
        var path = _dir.File("qrels.tsv", "query_id\tasin\tsrw_rating\tesci_label\tgain\n1\tB1\t100.000\tE\t3\n1\tB2\t50\tS\t2\n2\tB1\t0\tI\t0\n");

        var judgements = await EvaluationFiles.ReadJudgementsAsync(path, ["1", "2"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3.0, judgements.TopGrade);
        Assert.Equal(3.0, judgements.For("1")["B1"]);
        Assert.Equal(2.0, judgements.For("1")["B2"]);
        Assert.Equal(0.0, judgements.For("2")["B1"]);
        Assert.Empty(judgements.For("3"));
    }

    [Fact]
    public async Task ReadJudgements_WithConfiguredColumns_UsesThem()
    {
        var path = _dir.File("qrels.tsv", "q\tdoc\tgrade\n1\tB1\t1.5\n");

        var judgements = await EvaluationFiles.ReadJudgementsAsync(path, null, new JudgementColumns("q", "doc", "grade"), TestContext.Current.CancellationToken);

        Assert.Equal(1.5, judgements.For("1")["B1"]);
        Assert.Equal(1.5, judgements.TopGrade);
    }

    [Fact]
    public async Task ReadJudgements_UnknownQuery_FailsNamingQueryAndLine()
    {
        var path = _dir.File("qrels.tsv", "query_id\tasin\tgain\n1\tB1\t3\n99\tB2\t1\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadJudgementsAsync(path, ["1"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("qrels.tsv:3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'99'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not in the queries file", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("E")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public async Task ReadJudgements_BadGain_FailsWithLineNumber(string gain)
    {
        var path = _dir.File("qrels.tsv", $"query_id\tasin\tgain\n1\tB1\t3\n1\tB2\t{gain}\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadJudgementsAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("qrels.tsv:3", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"gain '{gain}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJudgements_MissingGainColumn_ListsColumnsFound()
    {
        var path = _dir.File("qrels.tsv", "query_id\tasin\tesci_label\n1\tB1\tE\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadJudgementsAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("no column 'gain'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'query_id', 'asin', 'esci_label'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJudgements_ShortRowOrRepeatedPair_FailsWithLineNumber()
    {
        var shortRow = _dir.File("short.tsv", "query_id\tasin\tgain\n1\tB1\n");
        var repeated = _dir.File("repeat.tsv", "query_id\tasin\tgain\n1\tB1\t3\n1\tB1\t2\n");

        var shortEx = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadJudgementsAsync(shortRow, cancellationToken: TestContext.Current.CancellationToken));
        var repeatEx = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadJudgementsAsync(repeated, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("short.tsv:2", shortEx.Message, StringComparison.Ordinal);
        Assert.Contains("'gain'", shortEx.Message, StringComparison.Ordinal);
        Assert.Contains("repeat.tsv:3", repeatEx.Message, StringComparison.Ordinal);
        Assert.Contains("judged twice", repeatEx.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadJudgements_EmptyFile_SaysItNeedsAHeader()
    {
        var path = _dir.File("empty.tsv", "\n");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationFiles.ReadJudgementsAsync(path, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }
}
