using Microsoft.Extensions.Logging;
using Npgsql;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage.EfCore.Tenancy;

/// <summary>
/// PostgreSQL: carries tenancy changes between every instance on one database with <c>LISTEN</c>/<c>NOTIFY</c>. A change
/// is applied here at once (as the in-process feed does) and sent with <c>pg_notify</c>; every other instance's
/// listener applies it when the notification arrives, within milliseconds of the change's commit.
/// </summary>
/// <remarks>
/// <para>The listener holds one connection of its own, opened when the first cache subscribes. Notifications sent while
/// it is not connected are lost, so each time it (re)connects it tells the caches to forget everything
/// (<see cref="TenancyChange.StorageReplaced"/>); a notification that cannot be sent leaves the other instances' caches
/// to expire (the cache duration bounds it, 10 seconds by default).</para>
/// <para><c>LISTEN</c> needs a session of its own: behind a transaction pooler the listener must use a direct
/// connection (<see cref="EfCoreStorageOptions.ListenConnectionString"/>). <c>NOTIFY</c> is an ordinary statement and
/// goes through the adapter's pool.</para>
/// <para>The listeners also tell how many instances run (<see cref="IRunningInstances"/>): every instance keeps one, so
/// their number, looked up every few seconds, is the number of instances that share the limits.</para>
/// </remarks>
internal sealed partial class PostgreSqlTenancyChangeFeed : ITenancyChangeFeed, IRunningInstances, IDisposable
{
    private static readonly TimeSpan CountEvery = TimeSpan.FromSeconds(5);
    private int _instances = 1;

    public const string Channel = "smartecoupon_tenancy";
    private const char Separator = '\u001f';

    private readonly InProcessTenancyChangeFeed _local = new();
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly string _listenConnectionString;
    private readonly NpgsqlDataSource _notify;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _listening;
    private int _started;
    private int _disposed;

    public PostgreSqlTenancyChangeFeed(string listenConnectionString, NpgsqlDataSource notify, ILogger<PostgreSqlTenancyChangeFeed> logger)
    {
        _listenConnectionString = new NpgsqlConnectionStringBuilder(listenConnectionString)
        {
            Pooling = false,
            ApplicationName = "smartecoupon-listen",
            // A dead server or network is noticed by the keepalive, not only when the next notification would come.
            KeepAlive = 10,
        }.ToString();
        _notify = notify;
        _logger = logger;
    }

    /// <summary>The instances listening on this database now (this one included), as last counted.</summary>
    public int Count => Volatile.Read(ref _instances);

    /// <summary>Whether the listener is connected and listening (for tests and readiness).</summary>
    public bool IsListening { get; private set; }

    public void Publish(TenancyChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _local.Publish(change);
        _ = SendAsync(Encode(change));
    }

    public IDisposable Subscribe(Action<TenancyChange> handler)
    {
        var subscription = _local.Subscribe(handler);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _listening = Task.Run(() => ListenAsync(_stopping.Token));
        }
        return subscription;
    }

    private async Task SendAsync(string payload)
    {
        try
        {
            var command = _notify.CreateCommand("SELECT pg_notify(@channel, @payload)");
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("channel", Channel);
                command.Parameters.AddWithValue("payload", payload);
                await command.ExecuteNonQueryAsync(_stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or ObjectDisposedException)
        {
            Log.NotSent(_logger, ex);
        }
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(_listenConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) => Receive(e.Payload);
                    await connection.OpenAsync(stopping).ConfigureAwait(false);
                    var listen = new NpgsqlCommand($"LISTEN {Channel}", connection);
                    await using (listen.ConfigureAwait(false))
                    {
                        await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }
                    // Whatever was sent while no one listened here is lost: forget everything remembered.
                    _local.Publish(new TenancyChange.StorageReplaced());
                    await CountInstancesAsync(connection, stopping).ConfigureAwait(false);
                    IsListening = true;
                    Log.Listening(_logger);
                    while (!stopping.IsCancellationRequested)
                    {
                        if (!await connection.WaitAsync(CountEvery, stopping).ConfigureAwait(false))
                        {
                            await CountInstancesAsync(connection, stopping).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                IsListening = false;
                Log.ListenFailed(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task CountInstancesAsync(NpgsqlConnection connection, CancellationToken stopping)
    {
        var count = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'smartecoupon-listen'", connection);
        await using (count.ConfigureAwait(false))
        {
            var listening = (long)(await count.ExecuteScalarAsync(stopping).ConfigureAwait(false))!;
            Volatile.Write(ref _instances, (int)Math.Max(1, listening));
        }
    }

    private void Receive(string payload)
    {
        var parts = payload.Split(Separator);
        if (parts.Length < 2 || parts[0] == _instance)
        {
            return;
        }
        if (Decode(parts) is { } change)
        {
            _local.Publish(change);
        }
    }

    private string Encode(TenancyChange change) => string.Join(Separator, change switch
    {
        TenancyChange.TenantChanged tenant => [_instance, "tenant", tenant.TenantId],
        TenancyChange.MemberChanged member => [_instance, "member", member.TenantId, member.MemberId],
        TenancyChange.OperatorChanged op => [_instance, "operator", op.OperatorId],
        _ => new[] { _instance, "all" },
    });

    /// <summary>A change as another instance sent it; anything not understood makes every cache forget everything.</summary>
    private static TenancyChange Decode(string[] parts) => parts[1..] switch
    {
        ["tenant", var tenantId] => new TenancyChange.TenantChanged(tenantId),
        ["member", var tenantId, var memberId] => new TenancyChange.MemberChanged(tenantId, memberId),
        ["operator", var operatorId] => new TenancyChange.OperatorChanged(operatorId),
        _ => new TenancyChange.StorageReplaced(),
    };

    public void Dispose()
    {
        // Registered as the feed and as the count of instances: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stopping.Cancel();
        try
        {
            _listening?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Listening for tenancy changes of other instances.")]
        public static partial void Listening(ILogger logger);

        [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "The tenancy-change listener lost its connection; reconnecting in 1 second (caches are dropped whole on reconnect).")]
        public static partial void ListenFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "A tenancy change could not be sent to other instances; their caches will expire it.")]
        public static partial void NotSent(ILogger logger, Exception exception);
    }
}
