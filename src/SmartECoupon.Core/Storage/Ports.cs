using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Idempotency;
using SmartECoupon.Redemptions;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;

namespace SmartECoupon.Storage;

// The ports every storage adapter implements. Two rules hold for all of them:
// 1. Tenant data is read and written in the current tenant of ITenantContext only; a call without one throws
//    TenantNotSetException. The few look-ups that must run before a tenant is known say so in their remarks.
// 2. Every capped count (plan limits, total and per-user limits, one-time codes) changes in one guarded statement
//    whose affected-row count decides, inside the same transaction as the write it guards and its audit entry.

/// <summary>Tenants. Operator-wide: these calls do not depend on the current tenant.</summary>
public interface ITenantRepository
{
    /// <summary>Creates a tenant together with its first administrator (who counts as its first member) and the audit entry.</summary>
    Task AddAsync(Tenant tenant, Member firstAdmin, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a tenant by identifier, whatever the current tenant.</summary>
    Task<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Lists tenants, oldest first.</summary>
    Task<Page<Tenant>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a tenant's cancellation (status cancelled, the effective date and the purge date) with its audit entry.
    /// Returns <see langword="null"/> for an unknown or already purged tenant.
    /// </summary>
    Task<Tenant?> CancelAsync(string tenantId, DateOnly cancelledOn, DateOnly purgeDueOn, AuditEntry audit, CancellationToken cancellationToken = default);
}

/// <summary>What became of an operator's removal.</summary>
public enum OperatorRemoval
{
    /// <summary>The operator was removed.</summary>
    Removed,
    /// <summary>No such operator.</summary>
    NotFound,
    /// <summary>Refused: the platform would be left without an operator.</summary>
    LastOperator,
}

/// <summary>The platform's operators, who belong to no tenant.</summary>
public interface IOperatorRepository
{
    /// <summary>Whether any operator exists (for the bootstrap key at first start).</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds an operator.</summary>
    Task AddAsync(PlatformOperator platformOperator, CancellationToken cancellationToken = default);

    /// <summary>Finds an operator by identifier.</summary>
    Task<PlatformOperator?> FindAsync(string operatorId, CancellationToken cancellationToken = default);

    /// <summary>Finds the operator whose current key has <paramref name="keyId"/> (before any tenant is known).</summary>
    Task<PlatformOperator?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Removes an operator unless it is the last one; the check and the removal are one atomic step.</summary>
    Task<OperatorRemoval> RemoveAsync(string operatorId, CancellationToken cancellationToken = default);
}

/// <summary>The current tenant's members.</summary>
public interface IMemberRepository
{
    /// <summary>
    /// Adds a member unless the tenant already has <paramref name="memberLimit"/> members (<see langword="null"/>: no
    /// limit). The limit is checked and the member counted in one guarded statement. Returns <see langword="false"/> at
    /// the limit.
    /// </summary>
    Task<bool> TryAddAsync(Member member, int? memberLimit, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a member.</summary>
    Task<Member?> FindAsync(string memberId, CancellationToken cancellationToken = default);

    /// <summary>Finds the member whose current key has <paramref name="keyId"/>.</summary>
    Task<Member?> FindByKeyIdAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Lists members, oldest first.</summary>
    Task<Page<Member>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Removes a member, which releases its plan slot; its key stops working at once.</summary>
    Task<bool> RemoveAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Replaces a member's key; the old key stops working at once.</summary>
    Task<bool> ReplaceKeyAsync(string memberId, string keyId, byte[] keyHash, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Sets a member's password hash (and clears failures and lockout), with its audit entry.</summary>
    Task<bool> SetPasswordHashAsync(string memberId, string passwordHash, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a failed sign-in in one guarded statement; the <paramref name="maxFailures"/>-th locks the member until
    /// <paramref name="now"/> + <paramref name="lockout"/> and starts the count again. Returns the member as it stands.
    /// </summary>
    Task<Member?> RecordSignInFailureAsync(string memberId, DateTimeOffset now, int maxFailures, TimeSpan lockout, CancellationToken cancellationToken = default);

    /// <summary>Records a good sign-in: clears the failures, and writes the audit entry.</summary>
    Task RecordSignInAsync(string memberId, AuditEntry audit, CancellationToken cancellationToken = default);
}

/// <summary>The current tenant's stores.</summary>
public interface IStoreRepository
{
    /// <summary>Adds a store unless the tenant already has <paramref name="storeLimit"/> stores; one guarded step.</summary>
    Task<bool> TryAddAsync(Store store, int? storeLimit, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a store.</summary>
    Task<Store?> FindAsync(string storeId, CancellationToken cancellationToken = default);

    /// <summary>Lists stores, oldest first.</summary>
    Task<Page<Store>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="storeIds"/> exist in the tenant.</summary>
    Task<IReadOnlyList<string>> FindExistingAsync(IReadOnlyCollection<string> storeIds, CancellationToken cancellationToken = default);
}

/// <summary>What became of a coupon write.</summary>
public enum CouponWriteStatus
{
    /// <summary>Written.</summary>
    Succeeded,
    /// <summary>No such coupon in the tenant.</summary>
    NotFound,
    /// <summary>The coupon changed since it was read (its version moved on).</summary>
    VersionConflict,
    /// <summary>Another coupon of the tenant has the shared code.</summary>
    SharedCodeTaken,
    /// <summary>The new total limit is below the coupon's live redemptions.</summary>
    TotalLimitBelowRedeemed,
    /// <summary>The coupon's status does not allow the change.</summary>
    InvalidTransition,
    /// <summary>Publishing would pass the plan's published-coupon limit.</summary>
    PlanLimitReached,
}

/// <summary>The result of a coupon write: its status, and the coupon as stored after it.</summary>
/// <param name="Status">What became of the write.</param>
/// <param name="Coupon">The coupon after the write (when it succeeded), or as it stands (for a refusal on an existing coupon).</param>
public sealed record CouponWrite(CouponWriteStatus Status, Coupon? Coupon);

/// <summary>The current tenant's coupons.</summary>
public interface ICouponRepository
{
    /// <summary>Adds a coupon; refuses a shared code another coupon of the tenant has.</summary>
    Task<CouponWrite> AddAsync(Coupon coupon, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a coupon.</summary>
    Task<Coupon?> FindAsync(string couponId, CancellationToken cancellationToken = default);

    /// <summary>Finds the coupon whose shared code has the matching form <paramref name="sharedCodeKey"/>.</summary>
    Task<Coupon?> FindBySharedCodeAsync(string sharedCodeKey, CancellationToken cancellationToken = default);

    /// <summary>Lists coupons, oldest first.</summary>
    Task<Page<Coupon>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a coupon's editable content if its version is still <paramref name="expectedVersion"/>, raising the
    /// version. Refuses a total limit below the live redemptions in the same guarded statement.
    /// </summary>
    Task<CouponWrite> UpdateAsync(Coupon coupon, int expectedVersion, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a coupon to <paramref name="status"/> when <see cref="CouponLifecycle.CanMove"/> allows it. Publishing
    /// takes a slot of the plan's published-coupon limit (<paramref name="publishedLimit"/>, <see langword="null"/>: no
    /// limit) in one guarded statement; leaving the published status gives it back.
    /// </summary>
    Task<CouponWrite> ChangeStatusAsync(string couponId, CouponStatus status, int? publishedLimit, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="coupons"/> (in any status) with their audit entries in one transaction, or none of them:
    /// the published ones take as many slots of the plan's published-coupon limit (<paramref name="publishedLimit"/>,
    /// <see langword="null"/>: no limit) in one guarded statement, and a shared code another coupon of the tenant has
    /// refuses the whole import.
    /// </summary>
    Task<CouponImportWrite> ImportAsync(IReadOnlyList<Coupon> coupons, int? publishedLimit, IReadOnlyList<AuditEntry> audit, CancellationToken cancellationToken = default);
}

/// <summary>What became of a ticket request.</summary>
public enum TicketIssueStatus
{
    /// <summary>A new ticket was issued.</summary>
    Created,
    /// <summary>The user already had a ticket for the coupon; it is returned.</summary>
    Existing,
    /// <summary>The candidate's code is already taken in the tenant; try again with another code.</summary>
    CodeTaken,
}

/// <summary>The result of a ticket request.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Ticket">The ticket (new or existing); <see langword="null"/> for <see cref="TicketIssueStatus.CodeTaken"/>.</param>
public sealed record TicketIssue(TicketIssueStatus Status, Ticket? Ticket);

/// <summary>The current tenant's tickets.</summary>
public interface ITicketRepository
{
    /// <summary>
    /// Issues <paramref name="candidate"/> unless its user already has a ticket for the coupon, in which case that one is
    /// returned (one ticket per user and coupon, whoever asks at the same time). Raises the coupon's issued count for a
    /// new ticket.
    /// </summary>
    Task<TicketIssue> GetOrAddAsync(Ticket candidate, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a ticket.</summary>
    Task<Ticket?> FindAsync(string ticketId, CancellationToken cancellationToken = default);

    /// <summary>Finds a ticket by its page token.</summary>
    Task<Ticket?> FindByTokenAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Finds a user's ticket for a coupon.</summary>
    Task<Ticket?> FindByUserAsync(string couponId, string userKey, CancellationToken cancellationToken = default);
}

/// <summary>The current tenant's one-time codes.</summary>
public interface IOneTimeCodeRepository
{
    /// <summary>
    /// Inserts the codes of <paramref name="codes"/> that are not yet taken in the tenant (by a ticket or another
    /// one-time code) and returns how many were inserted; uniqueness is the database's to enforce. Raises the coupon's
    /// issued count by that number, and writes <paramref name="audit"/> when given, in the same transaction.
    /// </summary>
    Task<int> AddBatchAsync(string couponId, IReadOnlyList<string> codes, DateTimeOffset createdAt, AuditEntry? audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a one-time code by its normal form.</summary>
    Task<OneTimeCode?> FindAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>Lists a coupon's one-time codes, ordered by code.</summary>
    Task<Page<OneTimeCode>> ListAsync(string couponId, PageRequest page, CancellationToken cancellationToken = default);
}

/// <summary>What a redemption request gave to name the coupon.</summary>
public enum RedemptionLookupKind
{
    /// <summary>A ticket's page token.</summary>
    TicketToken,
    /// <summary>A typed code: a ticket's code or a one-time code (the snapshot's method says which it was).</summary>
    Code,
    /// <summary>A coupon's shared code, with a user.</summary>
    SharedCode,
}

/// <summary>How a redemption request names the coupon, resolved to what the store looks up.</summary>
/// <param name="Kind">What was given.</param>
/// <param name="Value">The ticket token, the normalised code, or the shared code's matching form.</param>
/// <param name="UserKey">The user, for <see cref="RedemptionLookupKind.SharedCode"/>.</param>
public sealed record RedemptionLookup(RedemptionLookupKind Kind, string Value, string? UserKey);

/// <summary>A redemption to write, prepared by the library, and what guards it.</summary>
public sealed record RedemptionWrite
{
    /// <summary>The redemption to insert if every guard holds.</summary>
    public required Redemption Redemption { get; init; }

    /// <summary>How the coupon was named: decides which guard speaks first and which refusal it gives.</summary>
    public RedemptionMethod Method { get; init; }

    /// <summary>The audit entry to write with the redemption.</summary>
    public required AuditEntry Audit { get; init; }

    /// <summary>
    /// When the request carried an idempotency key: its record, completed with the answer, written first in the same
    /// transaction. When the key already has a record, nothing is written and the result says
    /// <see cref="RedemptionWriteResult.KeyTaken"/>.
    /// </summary>
    public IdempotencyRecord? Idempotency { get; init; }
}

/// <summary>What the store did with a <see cref="RedemptionWrite"/>: wrote it, or refused it because a guard failed.</summary>
/// <param name="Redemption">The redemption written; <see langword="null"/> when refused.</param>
/// <param name="Refusal">The guard that failed; <see langword="null"/> when written.</param>
public sealed record RedemptionWriteResult(Redemption? Redemption, RedemptionRefusal? Refusal)
{
    /// <summary>The result when the write's idempotency key already had a record: nothing was written.</summary>
    public static RedemptionWriteResult KeyAlreadyRecorded { get; } = new(null, null) { KeyTaken = true };

    /// <summary>Whether the idempotency key already had a record, so that nothing was written.</summary>
    public bool KeyTaken { get; init; }
}

/// <summary>The current tenant's redemptions: the race-free heart of the library.</summary>
public interface IRedemptionRepository
{
    /// <summary>Reads what the rules need for <paramref name="lookup"/>; <see langword="null"/> when nothing matches.</summary>
    Task<RedemptionSnapshot?> FindSnapshotAsync(RedemptionLookup lookup, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="write"/> in one transaction, or nothing. The idempotency record comes first: a key that
    /// already has one writes nothing (<see cref="RedemptionWriteResult.KeyTaken"/>), and a concurrent request with the
    /// same key waits for the first to finish. Each limit is then enforced by one conditional statement whose
    /// affected-row count decides, in the contract's order: the ticket's uses (or the user's, for a shared code) under
    /// the coupon's per-user limit, the one-time code's single use, then the coupon's status and total limit. The first
    /// guard that fails gives the refusal.
    /// </summary>
    Task<RedemptionWriteResult> TryRedeemAsync(RedemptionWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// Voids a live redemption, giving back exactly one slot of the total limit and one use of the ticket (or the
    /// one-time code), whatever races with it. A second void changes nothing.
    /// </summary>
    Task<VoidOutcome> VoidAsync(string redemptionId, DateTimeOffset voidedAt, Actor actor, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a redemption.</summary>
    Task<Redemption?> FindAsync(string redemptionId, CancellationToken cancellationToken = default);

    /// <summary>Lists redemptions, oldest first.</summary>
    Task<Page<Redemption>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>The latest live (not voided) redemption of a ticket, or <see langword="null"/>.</summary>
    Task<Redemption?> FindLastLiveForTicketAsync(string ticketId, CancellationToken cancellationToken = default);
}

/// <summary>
/// The current tenant's idempotency records. A request's answer is stored in the transaction of its own writes (see
/// <see cref="RedemptionWrite.Idempotency"/>), or alone when it wrote nothing else; nothing is claimed before, so a
/// process that dies mid-request leaves no record behind.
/// </summary>
public interface IIdempotencyRepository
{
    /// <summary>
    /// Stores <paramref name="record"/> unless its key has a record. Returns <see langword="false"/>, storing nothing,
    /// when it has (<see cref="FindAsync"/> then tells which). Two concurrent adds of one key cannot both succeed.
    /// </summary>
    Task<bool> TryAddAsync(IdempotencyRecord record, CancellationToken cancellationToken = default);

    /// <summary>The record of <paramref name="key"/>, or <see langword="null"/>.</summary>
    Task<IdempotencyRecord?> FindAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes <paramref name="stale"/> (expired, or in flight past its lease) if it is still exactly as read, so that
    /// its key can run again. Returns whether it did; another request may have replaced or removed it first.
    /// </summary>
    Task<bool> TryRemoveAsync(IdempotencyRecord stale, CancellationToken cancellationToken = default);

    /// <summary>Removes expired records of every tenant; returns how many. Operator-wide.</summary>
    Task<int> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>The current tenant's audit log. Entries are written with the writes they record; they cannot be changed.</summary>
public interface IAuditLog
{
    /// <summary>Writes an entry that accompanies no other write (a sign-in, for example).</summary>
    Task AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Lists entries, oldest first.</summary>
    Task<Page<AuditEntry>> ListAsync(PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Removes every tenant's entries older than <paramref name="cutoff"/>; returns how many. Operator-wide.</summary>
    Task<int> RemoveOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}

/// <summary>
/// The look-ups that must find a tenant before one is known: the anonymous coupon page (<c>/c/{token}</c>) and the
/// distribution link (<c>/p/{couponId}</c>). They reveal the tenant identifier and nothing else. (API keys carry
/// their tenant in the key itself; see <see cref="ApiKeys"/>.)
/// </summary>
public interface ITenantDirectory
{
    /// <summary>The tenant of the ticket with page token <paramref name="token"/>, or <see langword="null"/>.</summary>
    Task<string?> FindTenantOfTicketTokenAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>The tenant of the coupon <paramref name="couponId"/>, or <see langword="null"/>.</summary>
    Task<string?> FindTenantOfCouponAsync(string couponId, CancellationToken cancellationToken = default);

    /// <summary>The tenant of the member <paramref name="memberId"/>, for signing in with a member id; or <see langword="null"/>.</summary>
    Task<string?> FindTenantOfMemberAsync(string memberId, CancellationToken cancellationToken = default);
}

/// <summary>Code jobs. Adding and finding work in the current tenant; claiming is operator-wide (workers serve every tenant).</summary>
public interface ICodeJobRepository
{
    /// <summary>Adds a queued job with its audit entry.</summary>
    Task AddAsync(Coupons.CodeJob job, AuditEntry audit, CancellationToken cancellationToken = default);

    /// <summary>Finds a job of the current tenant.</summary>
    Task<Coupons.CodeJob?> FindAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the oldest job that is queued, or running with an expired lease, for <paramref name="holder"/> until
    /// <paramref name="now"/> + <paramref name="lease"/>, in one guarded statement (two workers never take the same job).
    /// Operator-wide. Returns <see langword="null"/> when there is none.
    /// </summary>
    Task<Coupons.CodeJob?> ClaimNextAsync(string holder, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records progress of a job <paramref name="holder"/> holds and renews its lease; returns <see langword="false"/>
    /// when the holder lost the job. Works in the current tenant.
    /// </summary>
    Task<bool> ReportAsync(string jobId, string holder, int generated, Coupons.CodeJobStatus status, string? failure, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);
}

/// <summary>The current tenant's settings.</summary>
public interface ITenantSettingsRepository
{
    /// <summary>The tenant's theme, or <see langword="null"/> when it has not set one.</summary>
    Task<TenantTheme?> FindThemeAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the tenant's theme, with its audit entry.</summary>
    Task SaveThemeAsync(TenantTheme theme, AuditEntry audit, CancellationToken cancellationToken = default);
}
