using Hangfire.Server;

namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// The Hangfire id of the job running on this call path, so a job can key its status by it while
/// its method keeps to small arguments and a <see cref="CancellationToken"/>.
/// </summary>
public sealed class JobContextAccessor
{
    private readonly AsyncLocal<string?> _current = new();

    /// <summary>The running job's id; null outside Hangfire (set it to run a job directly).</summary>
    public string? JobId
    {
        get => _current.Value;
        set => _current.Value = value;
    }
}

/// <summary>Server filter that exposes the running job's id through <see cref="JobContextAccessor"/>.</summary>
internal sealed class JobContextFilter : IServerFilter
{
    private readonly JobContextAccessor _accessor;

    public JobContextFilter(JobContextAccessor accessor) => _accessor = accessor;

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _accessor.JobId = context.BackgroundJob.Id;
    }

    public void OnPerformed(PerformedContext context) => _accessor.JobId = null;
}
