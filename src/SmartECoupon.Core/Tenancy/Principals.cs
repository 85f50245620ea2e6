namespace SmartECoupon.Tenancy;

/// <summary>The role of a tenant member.</summary>
public enum MemberRole
{
    /// <summary>A tenant administrator: everything inside the tenant.</summary>
    Admin,
    /// <summary>Store staff: reads coupons, redeems, voids and validates.</summary>
    Staff,
}

/// <summary>The role a request acts in: the platform's operators, or a tenant's admins and staff.</summary>
public enum PrincipalRole
{
    /// <summary>A platform operator, in no tenant.</summary>
    Operator,
    /// <summary>A tenant administrator.</summary>
    Admin,
    /// <summary>A tenant's store staff.</summary>
    Staff,
}

/// <summary>One person of a tenant, with one API key of their own (the sheet's item 4.7: IDs issued per person).</summary>
public sealed record Member
{
    /// <summary>The tenant the member belongs to.</summary>
    public required string TenantId { get; init; }

    /// <summary>The member identifier (<c>mem_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The member's display name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The member's role.</summary>
    public MemberRole Role { get; init; }

    /// <summary>The public identifier part of the member's current API key.</summary>
    public required string ApiKeyId { get; init; }

    /// <summary>SHA-256 of the member's current API key. The key itself is never stored.</summary>
    public required byte[] ApiKeyHash { get; init; }

    /// <summary>When the member was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Where the platform's notices to this member go (maintenance), when the tenant gave an address.</summary>
    public string? Email { get; init; }

    /// <summary>
    /// The hash of the member's password for the admin screens (the host's password hasher writes and reads it; the
    /// library never sees a password), or <see langword="null"/> when none is set.
    /// </summary>
    public string? PasswordHash { get; init; }

    /// <summary>Failed sign-ins since the last good one or the last lockout.</summary>
    public int FailedSignIns { get; init; }

    /// <summary>Until when sign-in is refused after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>
    /// A random value renewed when the member signs out (<see cref="MemberSignInService.EndSessionsAsync"/>): part of the
    /// session stamp, so that a renewal ends every session the member had. <see langword="null"/> until the first.
    /// </summary>
    public string? SessionStamp { get; init; }

    /// <summary>The principal role this member acts in.</summary>
    public PrincipalRole PrincipalRole => Role == MemberRole.Admin ? PrincipalRole.Admin : PrincipalRole.Staff;
}

/// <summary>One of the platform's people (an operator): manages tenants, notices, incidents and backups. Belongs to no tenant.</summary>
public sealed record PlatformOperator
{
    /// <summary>The operator identifier (<c>opr_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The operator's display name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The public identifier part of the operator's current API key.</summary>
    public required string ApiKeyId { get; init; }

    /// <summary>SHA-256 of the operator's current API key.</summary>
    public required byte[] ApiKeyHash { get; init; }

    /// <summary>When the operator was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Who a request acts as, once its API key has been checked.</summary>
/// <param name="Role">The role the person acts in.</param>
/// <param name="Id">The operator or member identifier.</param>
/// <param name="TenantId">The member's tenant; <see langword="null"/> for an operator.</param>
/// <param name="DisplayName">The person's display name.</param>
public sealed record AuthenticatedPrincipal(PrincipalRole Role, string Id, string? TenantId, string DisplayName)
{
    /// <summary>Whether the principal is a platform operator.</summary>
    public bool IsOperator => Role == PrincipalRole.Operator;

    /// <summary>Whether the principal has at least the rights of <paramref name="required"/>.</summary>
    /// <remarks>Operators are not tenant administrators: tenant data is never the operator's to touch.</remarks>
    public bool HasRole(PrincipalRole required) => required switch
    {
        PrincipalRole.Operator => Role == PrincipalRole.Operator,
        PrincipalRole.Admin => Role == PrincipalRole.Admin,
        PrincipalRole.Staff => Role is PrincipalRole.Admin or PrincipalRole.Staff,
        _ => false,
    };
}
