namespace SmartECoupon.Storage;

/// <summary>The outbox of messages to tenant members. Operator-wide: one sender serves every tenant.</summary>
public interface IOutbox
{
    /// <summary>
    /// Takes up to <paramref name="max"/> unsent messages (never taken, or whose taker's lease expired) for
    /// <paramref name="holder"/>, in one guarded statement.
    /// </summary>
    Task<IReadOnlyList<Operations.OutboxMessage>> ClaimAsync(string holder, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default);

    /// <summary>Marks a message sent.</summary>
    Task MarkSentAsync(Operations.OutboxMessage message, DateTimeOffset sentAt, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt; the message is tried again when its lease expires.</summary>
    Task MarkFailedAsync(Operations.OutboxMessage message, string failure, CancellationToken cancellationToken = default);
}
