using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartECoupon.Storage;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Operations;

/// <summary>What one round of <see cref="OutboxDispatcher.DispatchAsync"/> did.</summary>
/// <param name="Sent">Messages handed to the sender.</param>
/// <param name="Failed">Messages the sender failed on; each is tried again when its lease expires.</param>
/// <param name="Withheld">Messages of tenants that no longer accept writes (cancelled or purged): not sent.</param>
public sealed class OutboxRound(int Sent, int Failed, int Withheld)
{
    /// <summary>Messages handed to the sender.</summary>
    public int Sent { get; } = Sent;

    /// <summary>Messages the sender failed on; each is tried again when its lease expires.</summary>
    public int Failed { get; } = Failed;

    /// <summary>Messages of tenants that no longer accept writes (cancelled or purged): not sent.</summary>
    public int Withheld { get; } = Withheld;
}

/// <summary>
/// Sends the outbox (the platform's messages to tenant members, such as maintenance notices) through the host's sender,
/// a batch at a time, under a lease so that several instances never send one message twice. Each message's tenant is
/// read before it is sent: a cancelled tenant gets nothing more, like every other write to it.
/// </summary>
public sealed partial class OutboxDispatcher(IOutbox outbox, TenantWriteGate gate, TimeProvider time, ILogger<OutboxDispatcher>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<OutboxDispatcher>.Instance;

    /// <summary>How long a claimed message is held before another sender may take it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Claims up to <paramref name="max"/> unsent messages for <paramref name="holder"/> and hands each to
    /// <paramref name="send"/>; a message whose sending throws is recorded as failed and tried again later.
    /// </summary>
    public async Task<OutboxRound> DispatchAsync(string holder, Func<OutboxMessage, CancellationToken, Task> send, int max = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        var (sent, failed, withheld) = (0, 0, 0);
        foreach (var message in await outbox.ClaimAsync(holder, time.GetUtcNow(), Lease, max, cancellationToken).ConfigureAwait(false))
        {
            if (!await gate.AcceptsWritesAsync(message.TenantId, cancellationToken).ConfigureAwait(false))
            {
                // Left claimed, not sent: the purge removes it with the rest of the tenant's data.
                await outbox.MarkFailedAsync(message, FailureCodes.TenantCancelled, cancellationToken).ConfigureAwait(false);
                withheld++;
                continue;
            }
            try
            {
                await send(message, cancellationToken).ConfigureAwait(false);
                await outbox.MarkSentAsync(message, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The log names the error's type and the attempt, never the recipient.
                Log.SendFailed(_logger, ex.GetType().Name, message.Attempts);
                await outbox.MarkFailedAsync(message, ex.GetType().Name + ": " + ex.Message, cancellationToken).ConfigureAwait(false);
                failed++;
            }
        }
        return new OutboxRound(sent, failed, withheld);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "An outbox message could not be sent ({Error}, attempt {Attempt})")]
        public static partial void SendFailed(ILogger logger, string error, int attempt);
    }
}
