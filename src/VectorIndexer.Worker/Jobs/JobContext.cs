using Hangfire.Server;

namespace VectorIndexer.Worker.Jobs;

/// <summary>
/// The Hangfire id of the job running on this call path, so a job can key its status by it while
/// its method keeps to small arguments and a <see cref="CancellationToken"/>.
/// </summary>
public sealed class JobContextAccessor
{
    private readonly AsyncLocal<Current?> _current = new();

    /// <summary>The running job's id; null outside Hangfire (set it to run a job directly).</summary>
    public string? JobId
    {
        get => _current.Value?.JobId;
        set => _current.Value = value is null ? null : new Current(value, null);
    }

    /// <summary>When the running job was created (enqueued or triggered); null outside Hangfire.</summary>
    public DateTimeOffset? CreatedAt => _current.Value?.CreatedAt;

    /// <summary>Sets the running job's id and creation time (the server filter does, and tests that run a job directly).</summary>
    public void Set(string jobId, DateTimeOffset? createdAt) => _current.Value = new Current(jobId, createdAt);

    private sealed record Current(string JobId, DateTimeOffset? CreatedAt);
}

/// <summary>Server filter that exposes the running job's id through <see cref="JobContextAccessor"/>.</summary>
internal sealed class JobContextFilter : IServerFilter
{
    private readonly JobContextAccessor _accessor;

    public JobContextFilter(JobContextAccessor accessor) => _accessor = accessor;

    public void OnPerforming(PerformingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _accessor.Set(context.BackgroundJob.Id, new DateTimeOffset(DateTime.SpecifyKind(context.BackgroundJob.CreatedAt, DateTimeKind.Utc)));
    }

    public void OnPerformed(PerformedContext context) => _accessor.JobId = null;
}
