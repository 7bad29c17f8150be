using System.Security.Cryptography;
using System.Text;

namespace VectorIndexer.Evaluation;

/// <summary>One fold of a cross-validated choice: the setting chosen on the other folds and what it scored on this one.</summary>
/// <param name="Fold">0-based fold.</param>
/// <param name="Queries">Queries held out in this fold.</param>
/// <param name="Chosen">The setting with the best mean on the other folds' queries.</param>
/// <param name="TrainingMean">Its mean there.</param>
/// <param name="HeldOutMean">Its mean on this fold's queries.</param>
public sealed record FoldChoice(int Fold, int Queries, string Chosen, double TrainingMean, double HeldOutMean);

/// <summary>
/// What choosing among settings by cross-validation gave: per fold the setting chosen without it,
/// and per query the score of the setting chosen without that query's fold.
/// </summary>
/// <param name="Folds">The folds, in order.</param>
/// <param name="HeldOutScores">Per query (in the order given): the held-out score.</param>
public sealed record CrossValidatedChoice(IReadOnlyList<FoldChoice> Folds, IReadOnlyList<double> HeldOutScores)
{
    /// <summary>Mean over the folds of the held-out means (the figure to quote).</summary>
    public double MeanOverFolds => Folds.Count == 0 ? 0 : Folds.Average(f => f.HeldOutMean);

    /// <summary>Mean over every query of its held-out score.</summary>
    public double MeanOverQueries => HeldOutScores.Count == 0 ? 0 : HeldOutScores.Average();
}

/// <summary>A paired bootstrap of the difference of two systems' per-query scores.</summary>
/// <param name="MeanDifference">Mean of (candidate − baseline) over the queries.</param>
/// <param name="Lower">2.5th percentile of the resampled mean differences.</param>
/// <param name="Upper">97.5th percentile.</param>
/// <param name="Better">Queries where the candidate scored higher.</param>
/// <param name="Worse">Queries where it scored lower.</param>
/// <param name="Resamples">Bootstrap resamples drawn.</param>
public sealed record PairedInterval(double MeanDifference, double Lower, double Upper, int Better, int Worse, int Resamples)
{
    /// <summary>Whether the 95 % interval lies wholly above zero (a gain that holds) or below it (a loss).</summary>
    public bool Clears => Lower > 0 || Upper < 0;
}

/// <summary>
/// Honest tuning over judged queries: deterministic folds, settings chosen on the folds they are not
/// scored on, and paired bootstrap intervals against a baseline.
/// </summary>
public static class CrossValidation
{
    /// <summary>
    /// Splits query ids into <paramref name="folds"/> folds: ordered by a SHA-256 of the seed and the
    /// id (so the split depends on neither the file's order nor the platform), then dealt round-robin.
    /// Returns each query's fold, in the order given.
    /// </summary>
    public static int[] AssignFolds(IReadOnlyList<string> queryIds, int folds, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(queryIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        if (queryIds.Count < folds)
        {
            throw new ArgumentException($"{queryIds.Count} queries cannot fill {folds} folds.", nameof(queryIds));
        }

        var order = Enumerable.Range(0, queryIds.Count)
            .OrderBy(i => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{queryIds[i]}"))), StringComparer.Ordinal)
            .ToArray();
        var assigned = new int[queryIds.Count];
        for (var rank = 0; rank < order.Length; rank++)
        {
            assigned[order[rank]] = rank % folds;
        }

        return assigned;
    }

    /// <summary>
    /// For each fold, chooses among <paramref name="candidates"/> (name → per-query scores, all in the
    /// same query order as <paramref name="folds"/>) the one with the best mean on the other folds —
    /// ties go to the one listed first, so list the current default first — and scores it on the fold.
    /// </summary>
    public static CrossValidatedChoice Choose(IReadOnlyList<(string Name, IReadOnlyList<double> Scores)> candidates, IReadOnlyList<int> folds)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(folds);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("Nothing to choose from.", nameof(candidates));
        }

        if (candidates.Any(c => c.Scores.Count != folds.Count))
        {
            throw new ArgumentException("Every candidate needs a score for every query.", nameof(candidates));
        }

        var heldOut = new double[folds.Count];
        var choices = new List<FoldChoice>();
        foreach (var fold in folds.Distinct().Order())
        {
            var best = -1;
            var bestMean = double.NegativeInfinity;
            for (var c = 0; c < candidates.Count; c++)
            {
                var mean = Mean(candidates[c].Scores, folds, f => f != fold);
                if (mean > bestMean + 1e-12)
                {
                    (best, bestMean) = (c, mean);
                }
            }

            var held = 0;
            for (var q = 0; q < folds.Count; q++)
            {
                if (folds[q] == fold)
                {
                    heldOut[q] = candidates[best].Scores[q];
                    held++;
                }
            }

            choices.Add(new FoldChoice(fold, held, candidates[best].Name, bestMean, Mean(candidates[best].Scores, folds, f => f == fold)));
        }

        return new CrossValidatedChoice(choices, heldOut);
    }

    /// <summary>
    /// Paired bootstrap (percentile) 95 % interval of mean(candidate − baseline): queries resampled with
    /// replacement <paramref name="resamples"/> times with a fixed seed, so a run is reproducible.
    /// </summary>
    public static PairedInterval PairedBootstrap(IReadOnlyList<double> candidate, IReadOnlyList<double> baseline, int resamples = 10_000, int seed = 17)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        if (candidate.Count != baseline.Count || candidate.Count == 0)
        {
            throw new ArgumentException("Both systems need a score for the same, non-empty list of queries.", nameof(baseline));
        }

        var n = candidate.Count;
        var differences = new double[n];
        for (var i = 0; i < n; i++)
        {
            differences[i] = candidate[i] - baseline[i];
        }

        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += differences[random.Next(n)];
            }

            means[r] = sum / n;
        }

        Array.Sort(means);
        return new PairedInterval(
            differences.Average(),
            Percentile(means, 0.025),
            Percentile(means, 0.975),
            differences.Count(d => d > 1e-12),
            differences.Count(d => d < -1e-12),
            resamples);
    }

    private static double Mean(IReadOnlyList<double> scores, IReadOnlyList<int> folds, Func<int, bool> include)
    {
        double sum = 0;
        var count = 0;
        for (var q = 0; q < scores.Count; q++)
        {
            if (include(folds[q]))
            {
                sum += scores[q];
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }

    /// <summary>Linear interpolation between the closest ranks of a sorted array.</summary>
    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((sorted[high] - sorted[low]) * (position - low));
    }
}
