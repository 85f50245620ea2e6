using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Storage;
using SmartECoupon.Validation;

namespace SmartECoupon.Tenancy;

/// <summary>Sign-in to a host's admin screens with a member id and a password.</summary>
public sealed class SignInOptions
{
    /// <summary>Failed sign-ins before the member is locked out. Default 5.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long a lockout lasts. Default 15 minutes.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The fewest characters of a password. Default 10.</summary>
    public int MinPasswordLength { get; set; } = 10;
}

/// <summary>A member who is signing in, with their tenant.</summary>
/// <param name="Tenant">The member's tenant (not purged).</param>
/// <param name="Member">The member.</param>
public sealed class SignInCandidate(Tenant Tenant, Member Member)
{
    /// <summary>The member's tenant (not purged).</summary>
    public Tenant Tenant { get; } = Tenant;

    /// <summary>The member.</summary>
    public Member Member { get; } = Member;
}

/// <summary>
/// The library's half of signing in with a password: finding the member from their id (across tenants, through the
/// directory), lockout after repeated failures, and the audit entry of each sign-in. Passwords themselves are hashed and
/// checked by the host (ASP.NET Core's password hasher in the sample): the library stores and returns only the hash.
/// </summary>
public sealed class MemberSignInService(
    [FromKeyedServices(TenancyCaches.Key)] IMemberRepository members,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    ITenantDirectory directory,
    ITenantContext tenantContext,
    TenantWriteGate gate,
    TimeProvider time,
    IOptionsMonitor<SmartECouponOptions> options)
{

    /// <summary>Checks a new password: at least <see cref="SignInOptions.MinPasswordLength"/> characters, at most 128, no control characters.</summary>
    public IReadOnlyList<ValidationError> CheckPassword(string? password)
    {
        var min = options.CurrentValue.SignIn.MinPasswordLength;
        var label = new FieldLabel("password", "パスワード", "Password");
        if (string.IsNullOrEmpty(password))
        {
            return [FieldErrors.Required(label)];
        }
        if (password.Length > 128)
        {
            return [FieldErrors.TooLong(label, 128)];
        }
        if (password.Any(char.IsControl))
        {
            return [FieldErrors.InvalidCharacters(label, ["control characters"])];
        }
        return password.EnumerateRunes().Count() < min ? [FieldErrors.TooShort(label, min)] : [];
    }

    /// <summary>Finds the member signing in (and their tenant) from the member id, or <see langword="null"/>.</summary>
    public async Task<SignInCandidate?> FindAsync(string? memberId, CancellationToken cancellationToken = default)
    {
        if (!EntityIds.HasShape(memberId, EntityIds.MemberPrefix)
            || await directory.FindTenantOfMemberAsync(memberId!, cancellationToken).ConfigureAwait(false) is not { } tenantId)
        {
            return null;
        }
        var tenant = await tenants.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null || tenant.Status == TenantStatus.Purged)
        {
            return null;
        }
        using (tenantContext.BeginScope(tenantId))
        {
            var member = await members.FindAsync(memberId!, cancellationToken).ConfigureAwait(false);
            return member is null ? null : new SignInCandidate(tenant, member);
        }
    }

    /// <summary>
    /// The stamp a host keeps with a member's sign-in (in its cookie) and presents again with
    /// <see cref="TenantCredential.MemberSignIn"/>: a short fingerprint of the password hash and the member's session
    /// stamp, so that a changed password, or a sign-out (<see cref="EndSessionsAsync"/>), ends every session made before.
    /// </summary>
    public static string SessionStampOf(Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var material = (member.PasswordHash ?? "") + "\n" + (member.SessionStamp ?? "");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(material)))[..16];
    }

    /// <summary>
    /// Ends every session of the member in the current tenant, on every instance: renews their session stamp, so that
    /// no cookie made before passes <see cref="TenantSessionResolver"/> again (a host calls it when the member signs out;
    /// a copied cookie then stops working too). Allowed in a cancelled tenant: ending a session changes no tenant data.
    /// </summary>
    public async Task<Result> EndSessionsAsync(string memberId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(memberId);
        var tenantId = tenantContext.RequireTenantId();
        var stamp = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.MemberSignedOut, AuditTargets.Member, memberId, Instants.Now(time));
        return await members.RenewSessionStampAsync(memberId, stamp, audit, cancellationToken).ConfigureAwait(false) ? Result.Success : Failure.NotFound;
    }

    /// <summary>Whether the candidate is locked out now, and until when.</summary>
    public DateTimeOffset? LockedUntil(SignInCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.Member.LockedUntil is { } until && until > Instants.Now(time) ? until : null;
    }

    /// <summary>Counts a failed sign-in; returns until when the member is now locked out, if they are.</summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(SignInCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var settings = options.CurrentValue.SignIn;
        var now = Instants.Now(time);
        using (tenantContext.BeginScope(candidate.Tenant.Id))
        {
            var after = await members.RecordSignInFailureAsync(candidate.Member.Id, now, settings.MaxFailures, settings.Lockout, cancellationToken).ConfigureAwait(false);
            return after?.LockedUntil is { } until && until > now ? until : null;
        }
    }

    /// <summary>Records a good sign-in, with its audit entry naming the member.</summary>
    public async Task RecordSuccessAsync(SignInCandidate candidate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        using (tenantContext.BeginScope(candidate.Tenant.Id))
        {
            var audit = AuditEntry.Create(candidate.Tenant.Id, Actor.Member(candidate.Member.Id), AuditActions.MemberSignedIn, AuditTargets.Member, candidate.Member.Id, Instants.Now(time));
            await members.RecordSignInAsync(candidate.Member.Id, audit, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores a member's new password hash (in the current tenant); the hash comes from the host's hasher.</summary>
    public async Task<Result> SetPasswordHashAsync(string memberId, string passwordHash, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.MemberPasswordSet, AuditTargets.Member, memberId, Instants.Now(time));
        return await members.SetPasswordHashAsync(memberId, passwordHash, audit, cancellationToken).ConfigureAwait(false) ? Result.Success : Failure.NotFound;
    }
}
