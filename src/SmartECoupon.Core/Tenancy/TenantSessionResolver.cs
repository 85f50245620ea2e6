using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Coupons;
using SmartECoupon.Storage;

namespace SmartECoupon.Tenancy;

/// <summary>
/// Establishes an operation's <see cref="TenantSession"/> from what a request presents, and enters it: the one place
/// where a tenant is found before one is known. A host reads the credential from its request (a bearer key, a route
/// value, a cookie), calls <see cref="ResolveAsync"/>, then <see cref="Enter"/> for the rest of the request; it never
/// looks a tenant up or begins a scope itself, so every host keeps the same guarantees.
/// </summary>
/// <remarks>
/// The strategies: an API key (the tenant is carried in the key, the owner looked up inside it, the hash compared in
/// constant time; see <see cref="ApiKeyAuthenticator"/>); a ticket's page token and a coupon's public handle (found
/// through <see cref="ITenantDirectory"/>, which reveals the tenant id and nothing else; the session is the page's
/// anonymous visitor); a member's sign-in kept by the host (the member must still exist with the same session stamp).
/// A purged tenant resolves to nothing. The session records whether the tenant accepts writes today, which every
/// service that changes tenant data checks (<see cref="TenantWriteGate"/>).
/// </remarks>
public sealed class TenantSessionResolver(
    ApiKeyAuthenticator apiKeys,
    ITenantDirectory directory,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    [FromKeyedServices(TenancyCaches.Key)] IMemberRepository members,
    ITenantContext tenantContext,
    IOptionsMonitor<SmartECouponOptions> options,
    TimeProvider time,
    IRunningInstances? instances = null)
{
    // One per process, like the resolver: the plan's concurrent requests are counted here, for every host alike, each
    // instance enforcing its share of the limit.
    private readonly TenantConcurrencyLimiter limiter = new(options, instances ?? new SingleRunningInstance());

    /// <summary>The session <paramref name="credential"/> establishes, or <see langword="null"/> when it establishes none.</summary>
    public async Task<TenantSession?> ResolveAsync(TenantCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential switch
        {
            TenantCredential.ApiKeyCredential key => await FromApiKeyAsync(key.Key, cancellationToken).ConfigureAwait(false),
            TenantCredential.TicketTokenCredential ticket => TicketTokens.HasShape(ticket.Token)
                ? await VisitorOfAsync(await directory.FindTenantOfTicketTokenAsync(ticket.Token, cancellationToken).ConfigureAwait(false), TenantSessionSource.TicketToken, cancellationToken).ConfigureAwait(false)
                : null,
            TenantCredential.CouponHandleCredential coupon => EntityIds.HasShape(coupon.CouponId, EntityIds.CouponPrefix)
                ? await VisitorOfAsync(await directory.FindTenantOfCouponAsync(coupon.CouponId, cancellationToken).ConfigureAwait(false), TenantSessionSource.CouponHandle, cancellationToken).ConfigureAwait(false)
                : null,
            TenantCredential.MemberSignInCredential signIn => await FromSignInAsync(signIn, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"Unknown credential {credential.GetType().Name}.", nameof(credential)),
        };
    }

    /// <summary>
    /// A session of the library's own background work in <paramref name="tenantId"/> (a code job, for example), read now;
    /// <see langword="null"/> when the tenant does not exist or was purged.
    /// </summary>
    public async Task<TenantSession?> ForSystemAsync(string tenantId, string jobName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        return await LiveTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } tenant
            ? TenantSession.For(TenantSessionSource.System, tenant, Actor.System(jobName), null, "", time.GetUtcNow())
            : null;
    }

    /// <summary>
    /// Enters <paramref name="session"/> until the returned scope is disposed. A session of a member's API key takes a slot
    /// of the plan's concurrent requests for as long as it lasts; when the tenant runs its plan's limit already, the
    /// session is not entered and the failure says how long to wait (<c>too_many_concurrent_requests</c>).
    /// </summary>
    public Result<TenantSessionScope> Enter(TenantSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        TenantRequestLease? lease = null;
        if (session is { Source: TenantSessionSource.ApiKey, Tenant: { } tenant })
        {
            lease = limiter.TryAcquire(tenant.Id, tenant.Plan);
            if (lease is null)
            {
                return Failure.TooManyConcurrentRequests(limiter.RetryAfter);
            }
        }
        return new TenantSessionScope(tenantContext.Begin(session), lease);
    }

    private async Task<TenantSession?> FromApiKeyAsync(string key, CancellationToken cancellationToken)
    {
        var authentication = await apiKeys.AuthenticateAsync(key, cancellationToken).ConfigureAwait(false);
        if (authentication is null)
        {
            return null;
        }
        var principal = authentication.Principal;
        return authentication.Tenant is { } tenant
            ? TenantSession.For(TenantSessionSource.ApiKey, tenant, Actor.Member(principal.Id), principal.Role, principal.DisplayName, time.GetUtcNow())
            : TenantSession.ForOperator(principal.Id, principal.DisplayName);
    }

    private async Task<TenantSession?> VisitorOfAsync(string? tenantId, TenantSessionSource source, CancellationToken cancellationToken) =>
        tenantId is not null && await LiveTenantAsync(tenantId, cancellationToken).ConfigureAwait(false) is { } tenant
            ? TenantSession.For(source, tenant, Actor.Page, null, "", time.GetUtcNow())
            : null;

    private async Task<TenantSession?> FromSignInAsync(TenantCredential.MemberSignInCredential signIn, CancellationToken cancellationToken)
    {
        if (!EntityIds.HasShape(signIn.TenantId, EntityIds.TenantPrefix) || !EntityIds.HasShape(signIn.MemberId, EntityIds.MemberPrefix)
            || await LiveTenantAsync(signIn.TenantId, cancellationToken).ConfigureAwait(false) is not { } tenant)
        {
            return null;
        }
        Member? member;
        using (tenantContext.BeginScope(tenant.Id))
        {
            member = await members.FindAsync(signIn.MemberId, cancellationToken).ConfigureAwait(false);
        }
        return member is not null && string.Equals(MemberSignInService.SessionStampOf(member), signIn.Stamp, StringComparison.Ordinal)
            ? TenantSession.For(TenantSessionSource.MemberSignIn, tenant, Actor.Member(member.Id), member.PrincipalRole, member.DisplayName, time.GetUtcNow())
            : null;
    }

    private async Task<Tenant?> LiveTenantAsync(string tenantId, CancellationToken cancellationToken) =>
        await tenants.FindAsync(tenantId, cancellationToken).ConfigureAwait(false) is { Status: not TenantStatus.Purged } tenant ? tenant : null;
}

/// <summary>An entered session: disposing it restores the outer session and gives back any concurrency slot it took.</summary>
public sealed class TenantSessionScope : IDisposable
{
    private readonly IDisposable _scope;
    private readonly TenantRequestLease? _lease;

    internal TenantSessionScope(IDisposable scope, TenantRequestLease? lease)
    {
        _scope = scope;
        _lease = lease;
    }

    /// <summary>Leaves the session.</summary>
    public void Dispose()
    {
        _scope.Dispose();
        _lease?.Dispose();
    }
}

/// <summary>
/// "A cancelled tenant is read-only", for every service that changes tenant data: the write is refused with
/// <c>tenant_cancelled</c> when the current session's tenant no longer accepts writes. Background work asks again before
/// each batch (<see cref="AcceptsWritesAsync"/>), so it stops once a cancellation takes effect.
/// </summary>
public sealed class TenantWriteGate(ITenantContext tenantContext, [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants, TimeProvider time)
{
    /// <summary>
    /// The refusal of a write in the current session, or <see langword="null"/> when the tenant accepts writes. A session
    /// that did not record it (a scope begun by tenant id) reads the tenant now.
    /// </summary>
    /// <exception cref="TenantNotSetException">No tenant is set.</exception>
    public async ValueTask<Failure?> RefusalAsync(CancellationToken cancellationToken = default)
    {
        var session = tenantContext.Session;
        var tenantId = session?.TenantId ?? throw new TenantNotSetException();
        var accepts = session.AcceptsWrites ?? await AcceptsWritesAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return accepts ? null : Failure.TenantCancelled;
    }

    /// <summary>Whether <paramref name="tenantId"/> exists and accepts writes today, read now.</summary>
    public async ValueTask<bool> AcceptsWritesAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = await tenants.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        return tenant is not null && tenant.AcceptsWritesAt(time.GetUtcNow());
    }
}

/// <summary>The current session's tenant, in one place for every service that needs its plan or time zone.</summary>
internal static class CurrentTenant
{
    /// <summary>Whether <paramref name="tenant"/> accepts writes at <paramref name="now"/>, the date read in the tenant's own zone.</summary>
    public static bool AcceptsWritesAt(this Tenant tenant, DateTimeOffset now) =>
        tenant.AcceptsWritesOn(TenantTimeZones.DateIn(now, TenantTimeZones.Find(tenant.TimeZoneId)));

    /// <summary>
    /// The tenant of the current session: as the session read it, or read now for a scope begun by tenant id.
    /// </summary>
    /// <exception cref="TenantNotSetException">No tenant is set.</exception>
    /// <exception cref="InvalidOperationException">A scope was begun for a tenant id that names no tenant.</exception>
    public static async ValueTask<Tenant> FindCurrentAsync(this ITenantRepository tenants, ITenantContext tenantContext, CancellationToken cancellationToken)
    {
        var session = tenantContext.Session;
        var tenantId = session?.TenantId ?? throw new TenantNotSetException();
        return session.Tenant
            ?? await tenants.FindAsync(tenantId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The current session's tenant {tenantId} does not exist.");
    }
}
