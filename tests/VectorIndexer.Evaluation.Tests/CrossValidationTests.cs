namespace VectorIndexer.Evaluation.Tests;

public sealed class CrossValidationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void AssignFolds_IsBalancedDeterministicAndIndependentOfTheOrderGiven()
    {
        var ids = Enumerable.Range(1, 82).Select(i => $"q{i}").ToArray();

        var folds = CrossValidation.AssignFolds(ids, 5);
        var reversed = CrossValidation.AssignFolds(ids.Reverse().ToArray(), 5).Reverse().ToArray();

        Assert.Equal(folds, reversed);
        Assert.Equal(folds, CrossValidation.AssignFolds(ids, 5));
        Assert.NotEqual(folds, CrossValidation.AssignFolds(ids, 5, seed: 1));
        var sizes = folds.GroupBy(f => f).Select(g => g.Count()).Order().ToArray();
        Assert.Equal([16, 16, 16, 17, 17], sizes);
        Assert.Throws<ArgumentException>(() => CrossValidation.AssignFolds(["a", "b"], 3));
    }

    [Fact]
    public void Choose_PicksOnTheOtherFoldsAndScoresOnTheHeldOutOne()
    {
        // Four queries, two folds: {q0, q1} and {q2, q3}. "a" wins fold 1's queries, "b" fold 0's.
        int[] folds = [0, 0, 1, 1];
        (string, IReadOnlyList<double>)[] candidates =
        [
            ("a", [0.1, 0.1, 0.9, 0.9]),
            ("b", [0.8, 0.8, 0.2, 0.2]),
        ];

        var choice = CrossValidation.Choose(candidates, folds);

        // Held out fold 0: chosen on fold 1 -> a, scores 0.1; held out fold 1: chosen on fold 0 -> b, 0.2.
        Assert.Equal(["a", "b"], choice.Folds.Select(f => f.Chosen));
        Assert.Equal([0.1, 0.1, 0.2, 0.2], choice.HeldOutScores);
        Assert.Equal(0.15, choice.MeanOverFolds, 9);
        Assert.Equal(0.9, choice.Folds[0].TrainingMean, 9);
        Assert.Equal(0.1, choice.Folds[0].HeldOutMean, 9);
    }

    [Fact]
    public void Choose_OnATie_KeepsTheCandidateListedFirst()
    {
        int[] folds = [0, 1];
        (string, IReadOnlyList<double>)[] candidates = [("default", [0.5, 0.5]), ("other", [0.5, 0.5])];

        Assert.All(CrossValidation.Choose(candidates, folds).Folds, f => Assert.Equal("default", f.Chosen));
    }

    [Fact]
    public void PairedBootstrap_OfAConsistentGain_ClearsZero_AndOfNoise_DoesNot()
    {
        var baseline = Enumerable.Range(0, 60).Select(i => (i % 7) / 10.0).ToArray();
        var better = baseline.Select(v => v + 0.05).ToArray();
        var noisy = baseline.Select((v, i) => v + (i % 2 == 0 ? 0.05 : -0.05)).ToArray();

        var gain = CrossValidation.PairedBootstrap(better, baseline);
        var noise = CrossValidation.PairedBootstrap(noisy, baseline);

        Assert.Equal(0.05, gain.MeanDifference, 9);
        Assert.True(gain.Clears);
        Assert.Equal(60, gain.Better);
        Assert.Equal(0.0, noise.MeanDifference, 9);
        Assert.False(noise.Clears);
        Assert.True(noise.Lower < 0 && noise.Upper > 0);
        Assert.Equal(noise, CrossValidation.PairedBootstrap(noisy, baseline));
    }

    [Fact]
    public async Task ReadNdcg_ReadsBackWhatWriteWrote_AndNamesTheBadLine()
    {
        var summary = new EvaluationSummary(
            [
                new QueryEvaluation(new EvaluationQuery("q1", "kettle, \"glass\""), 0.75, 1, 1, 3, 1, 1, "p1"),
                new QueryEvaluation(new EvaluationQuery("q2", "tent"), 0.125, 0, null, 2, 0, null, null),
            ],
            3);
        var path = Path.GetTempFileName();
        try
        {
            await using (var writer = new StreamWriter(path))
            {
                await EvaluationCsv.WriteAsync(summary, writer, Token);
            }

            var scores = await EvaluationCsv.ReadNdcgAsync(path, Token);
            Assert.Equal(0.75, scores["q1"]);
            Assert.Equal(0.125, scores["q2"]);
            Assert.Equal(("kettle, \"glass\"", 0.75), (await EvaluationCsv.ReadScoresAsync(path, Token))["q1"]); // the quoted text, unquoted

            await File.AppendAllTextAsync(path, "q3,broken\n", Token);
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => EvaluationCsv.ReadNdcgAsync(path, Token));
            Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
