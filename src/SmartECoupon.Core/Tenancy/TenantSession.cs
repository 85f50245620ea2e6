using SmartECoupon.Auditing;

namespace SmartECoupon.Tenancy;

/// <summary>How a session was established: what the request presented.</summary>
public enum TenantSessionSource
{
    /// <summary>An API key (a member's or an operator's).</summary>
    ApiKey,
    /// <summary>A ticket's page token (<c>/c/{token}</c>): an anonymous visitor of the coupon page.</summary>
    TicketToken,
    /// <summary>A coupon's public handle (<c>/p/{couponId}</c>, its image): an anonymous visitor.</summary>
    CouponHandle,
    /// <summary>A member signed in to a host's screens with a password.</summary>
    MemberSignIn,
    /// <summary>The library's own background work (code jobs), or a scope begun by tenant id.</summary>
    System,
}

/// <summary>
/// One operation's session: the tenant it acts in, who acts, and whether the tenant accepts writes today. Immutable; a
/// host gets it from <see cref="TenantSessionResolver"/> and enters it for the rest of the request, and every service of
/// the library reads it from <see cref="ITenantContext.Session"/>.
/// </summary>
public sealed class TenantSession
{
    internal TenantSession(TenantSessionSource source, Tenant? tenant, string? tenantId, Actor actor, PrincipalRole? role, string displayName, bool? acceptsWrites)
    {
        Source = source;
        Tenant = tenant;
        TenantId = tenant?.Id ?? tenantId;
        Actor = actor;
        Role = role;
        DisplayName = displayName;
        AcceptsWrites = acceptsWrites;
    }

    /// <summary>What the request presented.</summary>
    public TenantSessionSource Source { get; }

    /// <summary>The tenant, as read when the session was established; <see langword="null"/> for an operator, or for a scope begun by tenant id.</summary>
    public Tenant? Tenant { get; }

    /// <summary>The tenant's identifier; <see langword="null"/> for an operator's session, which touches no tenant data.</summary>
    public string? TenantId { get; }

    /// <summary>Who acts: a member, an operator, the coupon page's visitor, or the system.</summary>
    public Actor Actor { get; }

    /// <summary>The role of a member or operator; <see langword="null"/> for an anonymous visitor or the system.</summary>
    public PrincipalRole? Role { get; }

    /// <summary>The person's display name (empty for a visitor or the system).</summary>
    public string DisplayName { get; }

    /// <summary>
    /// Whether the tenant accepts writes today (a cancelled tenant is read-only from its effective date). Known when the
    /// session was resolved; <see langword="null"/> for a scope begun by tenant id, whose tenant the library reads
    /// before a write.
    /// </summary>
    public bool? AcceptsWrites { get; }

    /// <summary>Whether this is a platform operator's session.</summary>
    public bool IsOperator => Role == PrincipalRole.Operator;

    /// <summary>The principal of a member or operator, as roles are checked; <see langword="null"/> for a visitor or the system.</summary>
    public AuthenticatedPrincipal? Principal => Role is { } role ? new AuthenticatedPrincipal(role, Actor.Id, TenantId, DisplayName) : null;

    /// <summary>The tenant's time zone (<c>Asia/Tokyo</c> when the session has no tenant record).</summary>
    public TimeZoneInfo TimeZone => TenantTimeZones.Find(Tenant?.TimeZoneId ?? TenantTimeZones.Default);

    /// <summary>A session that knows only its tenant's id (see <see cref="ITenantContext.BeginScope"/>).</summary>
    internal static TenantSession ForTenantId(string tenantId) =>
        new(TenantSessionSource.System, null, tenantId, Actor.System("scope"), null, "", null);

    /// <summary>A session for <paramref name="tenant"/> read now, acting as <paramref name="actor"/>.</summary>
    internal static TenantSession For(TenantSessionSource source, Tenant tenant, Actor actor, PrincipalRole? role, string displayName, DateTimeOffset now) =>
        new(source, tenant, null, actor, role, displayName, tenant.AcceptsWritesAt(now));

    /// <summary>An operator's session: no tenant.</summary>
    internal static TenantSession ForOperator(string operatorId, string displayName) =>
        new(TenantSessionSource.ApiKey, null, null, Actor.Operator(operatorId), PrincipalRole.Operator, displayName, true);
}

/// <summary>What a request presents to establish its session. The host reads it from the request; the library checks it.</summary>
public abstract class TenantCredential
{
    private protected TenantCredential()
    {
    }

    /// <summary>An API key (<c>Authorization: Bearer …</c>).</summary>
    public static TenantCredential ApiKey(string apiKey) => new ApiKeyCredential(apiKey);

    /// <summary>A ticket's page token, as in <c>/c/{token}</c>.</summary>
    public static TenantCredential TicketToken(string token) => new TicketTokenCredential(token);

    /// <summary>A coupon's public handle (its id), as in <c>/p/{couponId}</c>.</summary>
    public static TenantCredential CouponHandle(string couponId) => new CouponHandleCredential(couponId);

    /// <summary>
    /// A member's sign-in to a host's screens, as the host kept it (in a cookie): the tenant, the member, and the
    /// session stamp <see cref="MemberSignInService.SessionStampOf"/> gave at sign-in. A changed password changes the
    /// stamp, which ends the sessions made with the old one.
    /// </summary>
    public static TenantCredential MemberSignIn(string tenantId, string memberId, string stamp) => new MemberSignInCredential(tenantId, memberId, stamp);

    internal sealed class ApiKeyCredential(string key) : TenantCredential
    {
        public string Key { get; } = key;
    }

    internal sealed class TicketTokenCredential(string token) : TenantCredential
    {
        public string Token { get; } = token;
    }

    internal sealed class CouponHandleCredential(string couponId) : TenantCredential
    {
        public string CouponId { get; } = couponId;
    }

    internal sealed class MemberSignInCredential(string tenantId, string memberId, string stamp) : TenantCredential
    {
        public string TenantId { get; } = tenantId;

        public string MemberId { get; } = memberId;

        public string Stamp { get; } = stamp;
    }
}
