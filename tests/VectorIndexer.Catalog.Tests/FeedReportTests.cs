namespace VectorIndexer.Catalog.Tests;

public sealed class FeedReportTests
{
    private static FeedReport ReportOf(int valid, int rejected)
    {
        var report = new FeedReport();
        for (var i = 0; i < valid; i++)
        {
            report.Add(new FeedProduct(i + 1, new Product { Id = $"P{i}", Title = "t" }));
        }

        for (var i = 0; i < rejected; i++)
        {
            report.Add(new FeedRejection(valid + i + 1, FeedRejectionKind.WrongType, "bad"));
        }

        return report;
    }

    [Fact]
    public void ExceedsRejectedShare_AtExactlyOnePercent_IsFalse()
    {
        var report = ReportOf(99, 1);

        Assert.Equal(0.01, report.RejectedShare, 10);
        Assert.False(report.ExceedsRejectedShare());
    }

    [Fact]
    public void ExceedsRejectedShare_AboveOnePercent_IsTrue()
    {
        Assert.True(ReportOf(98, 2).ExceedsRejectedShare());
    }

    [Fact]
    public void ExceedsRejectedShare_WithConfiguredThreshold_UsesIt()
    {
        var report = ReportOf(90, 10);

        Assert.True(report.ExceedsRejectedShare(0.05));
        Assert.False(report.ExceedsRejectedShare(0.10));
        Assert.False(report.ExceedsRejectedShare(1.0));
    }

    [Fact]
    public void ExceedsRejectedShare_WithNoRecords_IsFalseAndAnyRejectionExceedsZero()
    {
        Assert.False(new FeedReport().ExceedsRejectedShare(0));
        Assert.True(ReportOf(1000, 1).ExceedsRejectedShare(0));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ExceedsRejectedShare_WithThresholdOutsideZeroToOne_Throws(double threshold)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeedReport().ExceedsRejectedShare(threshold));
    }

    [Fact]
    public void Add_ManyRejections_KeepsTheFirstNAndCountsAllByKind()
    {
        var report = new FeedReport(maxKeptRejections: 3);
        for (var line = 1; line <= 10; line++)
        {
            report.Add(new FeedRejection(line, line % 2 == 0 ? FeedRejectionKind.InvalidJson : FeedRejectionKind.OutOfRange, "bad"));
        }

        Assert.Equal([1L, 2L, 3L], report.Rejections.Select(rejection => rejection.LineNumber));
        Assert.Equal(5, report.RejectionsByKind[FeedRejectionKind.InvalidJson]);
        Assert.Equal(5, report.RejectionsByKind[FeedRejectionKind.OutOfRange]);
        Assert.Equal(10, report.Rejected);
        Assert.Equal(1.0, report.RejectedShare);
    }

    [Fact]
    public void DefaultReport_KeepsOneHundredRejections()
    {
        var report = ReportOf(0, 150);

        Assert.Equal(100, report.Rejections.Count);
        Assert.Equal(150, report.Rejected);
    }

    [Fact]
    public async Task ReadFeed_FillsTheReportAsItGoes()
    {
        var (_, feed) = await Feeds.ReadAsync(
            "id,title,price\nA1,Mug,1\nA2,,1\nA3,Jug,-1\nA1,Mug,2\nA5,Pan\n",
            FeedFormat.Csv,
            options: new FeedReaderOptions { MaxReportedRejections = 2 });

        var report = feed.Report;
        Assert.Equal((5L, 2L, 3L, 1L), (report.RecordsRead, report.Valid, report.Rejected, report.Duplicates));
        Assert.Equal([3L, 4L], report.Rejections.Select(rejection => rejection.LineNumber));
        Assert.Equal(1, report.RejectionsByKind[FeedRejectionKind.WrongColumnCount]);
        Assert.True(report.ExceedsRejectedShare());
        Assert.StartsWith("5 records: 2 valid (1 duplicates), 3 rejected", report.ToString(), StringComparison.Ordinal);
    }
}
