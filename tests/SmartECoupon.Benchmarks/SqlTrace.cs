using System.Diagnostics;
using Microsoft.Extensions.Logging;

/// <summary>
/// <c>--trace-sql</c>: prints every command EF Core sends, with its duration, for a few redemptions run one at a time,
/// to see where a redemption's time goes (round trips, statements, the commit).
/// </summary>
internal sealed class SqlTraceLoggerProvider : ILoggerProvider
{
    public bool Enabled { get; set; }

    public ILogger CreateLogger(string categoryName) => new CommandLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CommandLogger(SqlTraceLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => owner.Enabled && category.StartsWith("Microsoft.EntityFrameworkCore.Database", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.WriteLine($"    [{Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000) % 100_000,5} ms] {eventId.Name}: {formatter(state, exception).ReplaceLineEndings(" ")}");
            }
        }
    }
}
