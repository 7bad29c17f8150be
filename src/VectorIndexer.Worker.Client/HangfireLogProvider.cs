using Microsoft.Extensions.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;

namespace VectorIndexer.Worker;

/// <summary>
/// Hangfire's log output through <see cref="ILoggerFactory"/>. Hangfire keeps its log provider in a
/// process-wide static; Hangfire.NetCore's own provider throws once its host's logger factory is
/// disposed, which breaks any later Hangfire use in the process (a second host, a test). This one
/// goes quiet instead.
/// </summary>
internal sealed class HangfireLogProvider : Hangfire.Logging.ILogProvider
{
    private readonly ILoggerFactory _factory;

    public HangfireLogProvider(ILoggerFactory factory) => _factory = factory;

    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return new HostLog(_factory.CreateLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return Quiet.Instance;
        }
    }

    private static LogLevel Map(HangfireLevel level) => level switch
    {
        HangfireLevel.Trace => LogLevel.Trace,
        HangfireLevel.Debug => LogLevel.Debug,
        HangfireLevel.Info => LogLevel.Information,
        HangfireLevel.Warn => LogLevel.Warning,
        HangfireLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    private sealed class HostLog(ILogger logger) : Hangfire.Logging.ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = Map(logLevel);
            try
            {
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }

                if (logger.IsEnabled(level))
                {
                    logger.Log(level, default, messageFunc(), exception, static (message, _) => message);
                }

                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    private sealed class Quiet : Hangfire.Logging.ILog
    {
        public static readonly Quiet Instance = new();

        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
