using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartECoupon.Auditing;
using SmartECoupon.Calendar;
using SmartECoupon.Storage;
using SmartECoupon.Validation;

namespace SmartECoupon.Tenancy;

/// <summary>A new tenant with its first administrator and that person's API key (shown once).</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Admin">The first administrator.</param>
/// <param name="AdminApiKey">The administrator's API key: show it once, never store it.</param>
public sealed class TenantCreation(Tenant Tenant, Member Admin, string AdminApiKey)
{
    /// <summary>The tenant.</summary>
    public Tenant Tenant { get; } = Tenant;

    /// <summary>The first administrator.</summary>
    public Member Admin { get; } = Admin;

    /// <summary>The administrator's API key: show it once, never store it.</summary>
    public string AdminApiKey { get; } = AdminApiKey;
}

/// <summary>A new person and their API key (shown once).</summary>
/// <typeparam name="TPerson">The person's type.</typeparam>
/// <param name="Person">The person.</param>
/// <param name="ApiKey">The API key: show it once, never store it.</param>
public sealed record PersonCreation<TPerson>(TPerson Person, string ApiKey);

/// <summary>Creates and reads tenants. Operator work: it does not need a current tenant.</summary>
public sealed class TenantService([FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants, ITenantContext tenantContext, BusinessCalendar calendar, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>
    /// Cancels a tenant's contract from <paramref name="effectiveOn"/> (default: today in the tenant's zone; it may lie in
    /// the past or the future). From that date the tenant is read-only, so it can still export its data, and its purge is
    /// due on the configured number of business days after it (10 by default: 民法 140条, the first day not counted).
    /// Cancelling again moves the dates. A purged tenant cannot be cancelled.
    /// </summary>
    public async Task<Result<Tenant>> CancelAsync(string tenantId, DateOnly? effectiveOn, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenant = await tenants.FindAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (tenant is null)
        {
            return Failure.NotFound;
        }
        if (tenant.Status == TenantStatus.Purged)
        {
            return Failure.Conflict(FailureCodes.TenantPurged, "削除済みのテナントです。", "The tenant has been purged.");
        }
        var now = Instants.Now(time);
        var cancelledOn = effectiveOn ?? TenantTimeZones.DateIn(now, TenantTimeZones.Find(tenant.TimeZoneId));
        if (cancelledOn.Year is < 2000 or > 2098)
        {
            return Failure.Invalid(FieldErrors.OutOfRange("effectiveOn", "2000年から2098年の日付", "a date from 2000 to 2098"));
        }
        var purgeDueOn = calendar.AddBusinessDays(cancelledOn, options.CurrentValue.Retention.PurgeAfterBusinessDays);
        using (tenantContext.BeginScope(tenantId))
        {
            var audit = AuditEntry.Create(tenantId, actor, AuditActions.TenantCancelled, AuditTargets.Tenant, tenantId, now);
            var cancelled = await tenants.CancelAsync(tenantId, cancelledOn, purgeDueOn, audit, cancellationToken).ConfigureAwait(false);
            return cancelled is null ? Failure.NotFound : cancelled;
        }
    }


    /// <summary>Creates a tenant with its first administrator, who counts as its first member.</summary>
    /// <remarks><paramref name="adminEmail"/> is where the platform's notices to the administrator go; optional.</remarks>
    public async Task<Result<TenantCreation>> CreateAsync(string? name, TenantPlan? plan, string? adminName, Actor actor, string? adminEmail = null, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var errors = new List<ValidationError>();
        var tenantName = settings.Fields.TenantName.Apply("name", name, errors);
        var displayName = settings.Fields.DisplayName.Apply("adminName", adminName, errors);
        var email = EmailAddresses.Check(settings.Fields.Email, "adminEmail", adminEmail, errors);
        if (plan is null)
        {
            errors.Add(FieldErrors.Required(new FieldLabel("plan", "プラン", "Plan")));
        }
        else if (!Enum.IsDefined(plan.Value))
        {
            errors.Add(FieldErrors.InvalidFormat("plan", "free / standard / premium", "free, standard or premium"));
        }
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var now = Instants.Now(time);
        var tenantId = EntityIds.New(EntityIds.TenantPrefix, now);
        var key = ApiKeys.Issue(tenantId);
        var tenant = new Tenant
        {
            Id = tenantId,
            Name = tenantName,
            Plan = plan!.Value,
            Status = TenantStatus.Active,
            TimeZoneId = settings.DefaultTimeZoneId,
            CreatedAt = now,
        };
        var admin = new Member
        {
            TenantId = tenantId,
            Id = EntityIds.New(EntityIds.MemberPrefix, now),
            DisplayName = displayName!,
            Role = MemberRole.Admin,
            ApiKeyId = key.KeyId,
            ApiKeyHash = key.Hash,
            CreatedAt = now,
            Email = email,
        };
        using (tenantContext.BeginScope(tenantId))
        {
            await tenants.AddAsync(tenant, admin, AuditEntry.Create(tenantId, actor, AuditActions.TenantCreated, AuditTargets.Tenant, tenantId, now), cancellationToken).ConfigureAwait(false);
        }
        return new TenantCreation(tenant, admin, key.Key);
    }

    /// <summary>Finds a tenant by identifier.</summary>
    public Task<Tenant?> FindAsync(string tenantId, CancellationToken cancellationToken = default) => tenants.FindAsync(tenantId, cancellationToken);

    /// <summary>Lists tenants.</summary>
    public Task<Page<Tenant>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => tenants.ListAsync(page, cancellationToken);
}

/// <summary>Manages the platform's operators.</summary>
public sealed class OperatorService([FromKeyedServices(TenancyCaches.Key)] IOperatorRepository operators, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>The identifier of the operator created at first start.</summary>
    public const string BootstrapOperatorId = "opr_00000000000000000000000000";

    /// <summary>Creates an operator with a new key.</summary>
    public async Task<Result<PersonCreation<PlatformOperator>>> CreateAsync(string? displayName, CancellationToken cancellationToken = default)
    {
        var errors = new List<ValidationError>();
        var name = options.CurrentValue.Fields.DisplayName.Apply("displayName", displayName, errors);
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var now = Instants.Now(time);
        var key = ApiKeys.Issue(null);
        var created = new PlatformOperator { Id = EntityIds.New(EntityIds.OperatorPrefix, now), DisplayName = name!, ApiKeyId = key.KeyId, ApiKeyHash = key.Hash, CreatedAt = now };
        await operators.AddAsync(created, cancellationToken).ConfigureAwait(false);
        return new PersonCreation<PlatformOperator>(created, key.Key);
    }

    /// <summary>
    /// At first start, when no operator exists, creates the first one: with <paramref name="configuredKey"/> (an operator
    /// key the host was given, stored only as its hash) or with a new key, which is returned so the host can show it
    /// once. Returns <see langword="null"/> when an operator already exists or the configured key was used. Several
    /// instances starting at once create one operator between them.
    /// </summary>
    public async Task<string?> EnsureBootstrapOperatorAsync(string? configuredKey, CancellationToken cancellationToken = default)
    {
        if (await operators.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        string keyId;
        byte[] hash;
        string? generated = null;
        if (configuredKey is not null)
        {
            if (!ApiKeys.TryParse(configuredKey, out var parts) || !parts.IsOperatorKey)
            {
                throw new ArgumentException("The configured bootstrap key is not an operator key (sek.op.<keyId>.<secret>).", nameof(configuredKey));
            }
            keyId = parts.KeyId;
            hash = ApiKeys.ComputeHash(configuredKey);
        }
        else
        {
            var issued = ApiKeys.Issue(null);
            (keyId, hash, generated) = (issued.KeyId, issued.Hash, issued.Key);
        }
        try
        {
            await operators.AddAsync(new PlatformOperator
            {
                Id = BootstrapOperatorId,
                DisplayName = "bootstrap",
                ApiKeyId = keyId,
                ApiKeyHash = hash,
                CreatedAt = Instants.Now(time),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Another instance created it first: its key is the one that works, so ours is not shown.
            if (await operators.FindAsync(BootstrapOperatorId, cancellationToken).ConfigureAwait(false) is not null)
            {
                return null;
            }
            throw;
        }
        return generated;
    }

    /// <summary>Removes an operator; the last one stays.</summary>
    public async Task<Result> RemoveAsync(string operatorId, CancellationToken cancellationToken = default)
    {
        var removal = await operators.RemoveAsync(operatorId, cancellationToken).ConfigureAwait(false);
        return removal switch
        {
            OperatorRemoval.Removed => Result.Success,
            OperatorRemoval.NotFound => Failure.NotFound,
            _ => Failure.Conflict(FailureCodes.LastOperator, "最後のオペレーターは削除できません。", "The last operator cannot be removed."),
        };
    }
}

/// <summary>Manages the current tenant's members.</summary>
public sealed class MemberService([FromKeyedServices(TenancyCaches.Key)] IMemberRepository members, [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants, ITenantContext tenantContext, TenantWriteGate gate, TimeProvider time, IOptionsMonitor<SmartECouponOptions> options)
{
    /// <summary>Adds a member with a new key, within the plan's member limit.</summary>
    /// <remarks><paramref name="email"/> is where the platform's notices to the member go; optional.</remarks>
    public async Task<Result<PersonCreation<Member>>> CreateAsync(string? displayName, MemberRole? role, Actor actor, string? email = null, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var settings = options.CurrentValue;
        var errors = new List<ValidationError>();
        var name = settings.Fields.DisplayName.Apply("displayName", displayName, errors);
        var checkedEmail = EmailAddresses.Check(settings.Fields.Email, "email", email, errors);
        if (role is null)
        {
            errors.Add(FieldErrors.Required(new FieldLabel("role", "権限", "Role")));
        }
        else if (!Enum.IsDefined(role.Value))
        {
            errors.Add(FieldErrors.InvalidFormat("role", "admin / staff", "admin or staff"));
        }
        if (errors.Count > 0)
        {
            return Failure.Invalid(errors);
        }
        var tenant = await tenants.FindCurrentAsync(tenantContext, cancellationToken).ConfigureAwait(false);
        var now = Instants.Now(time);
        var key = ApiKeys.Issue(tenantId);
        var member = new Member { TenantId = tenantId, Id = EntityIds.New(EntityIds.MemberPrefix, now), DisplayName = name!, Role = role!.Value, ApiKeyId = key.KeyId, ApiKeyHash = key.Hash, CreatedAt = now, Email = checkedEmail };
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.MemberCreated, AuditTargets.Member, member.Id, now);
        if (!await members.TryAddAsync(member, settings.Plans.For(tenant.Plan).Members, audit, cancellationToken).ConfigureAwait(false))
        {
            return Failure.PlanLimit("メンバー数", "members");
        }
        return new PersonCreation<Member>(member, key.Key);
    }

    /// <summary>Lists members (without key material beyond the key id).</summary>
    public Task<Page<Member>> ListAsync(PageRequest page, CancellationToken cancellationToken = default) => members.ListAsync(page, cancellationToken);

    /// <summary>Finds a member.</summary>
    public Task<Member?> FindAsync(string memberId, CancellationToken cancellationToken = default) => members.FindAsync(memberId, cancellationToken);

    /// <summary>Removes a member; their key stops working at once.</summary>
    public async Task<Result> RemoveAsync(string memberId, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.MemberDeleted, AuditTargets.Member, memberId, Instants.Now(time));
        var removed = await members.RemoveAsync(memberId, audit, cancellationToken).ConfigureAwait(false);
        return removed ? Result.Success : Failure.NotFound;
    }

    /// <summary>Gives a member a new key; the old one stops working at once.</summary>
    public async Task<Result<string>> RotateKeyAsync(string memberId, Actor actor, CancellationToken cancellationToken = default)
    {
        var tenantId = tenantContext.RequireTenantId();
        if (await gate.RefusalAsync(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }
        var key = ApiKeys.Issue(tenantId);
        var audit = AuditEntry.Create(tenantId, actor, AuditActions.MemberKeyRotated, AuditTargets.Member, memberId, Instants.Now(time));
        var replaced = await members.ReplaceKeyAsync(memberId, key.KeyId, key.Hash, audit, cancellationToken).ConfigureAwait(false);
        return replaced ? key.Key : Failure.NotFound;
    }
}

/// <summary>Who a key belongs to, and the tenant it acts in.</summary>
/// <param name="Principal">The person.</param>
/// <param name="Tenant">The member's tenant; <see langword="null"/> for an operator.</param>
public sealed record Authentication(AuthenticatedPrincipal Principal, Tenant? Tenant)
{
    /// <summary>Whether the principal may write on <paramref name="today"/> (a cancelled tenant is read-only).</summary>
    public bool CanWriteOn(DateOnly today) => Tenant is null || Tenant.AcceptsWritesOn(today);
}

/// <summary>
/// Checks API keys: the tenant comes from the key, the owner is looked up inside that tenant by key id, and the hash is
/// compared in constant time. Keys of a purged tenant, of a removed member, or replaced by rotation are refused.
/// </summary>
/// <remarks>
/// The look-ups go through the library's caches of tenants and keys, which remember what they read for
/// <see cref="ApiKeyOptions.CacheDuration"/> (10 seconds by default), so that a busy counter does not pay two look-ups
/// before every redemption; the presented key is still compared in constant time with the remembered hash every time.
/// The caches forget at once whatever a change made through the library touches (rotation, removal, cancellation,
/// purge, restore: see <see cref="ITenancyChangeFeed"/>), and another instance forgets it when the feed brings it (the EF
/// Core adapter's feed on PostgreSQL: milliseconds); a change the feed does not carry is seen within the cache duration.
/// Set the duration to zero to look every key up every time.
/// </remarks>
public sealed class ApiKeyAuthenticator(
    [FromKeyedServices(TenancyCaches.Key)] IOperatorRepository operators,
    [FromKeyedServices(TenancyCaches.Key)] IMemberRepository members,
    [FromKeyedServices(TenancyCaches.Key)] ITenantRepository tenants,
    ITenantContext tenantContext)
{
    /// <summary>Returns who <paramref name="apiKey"/> belongs to, or <see langword="null"/> when it is not a valid key.</summary>
    public async Task<Authentication?> AuthenticateAsync(string? apiKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeys.TryParse(apiKey, out var parts))
        {
            return null;
        }
        if (parts.IsOperatorKey)
        {
            var op = await operators.FindByKeyIdAsync(parts.KeyId, cancellationToken).ConfigureAwait(false);
            return op is not null && ApiKeys.Matches(apiKey, op.ApiKeyHash)
                ? new Authentication(new AuthenticatedPrincipal(PrincipalRole.Operator, op.Id, null, op.DisplayName), null)
                : null;
        }
        var tenant = await tenants.FindAsync(parts.TenantId!, cancellationToken).ConfigureAwait(false);
        if (tenant is null || tenant.Status == TenantStatus.Purged)
        {
            return null;
        }
        using (tenantContext.BeginScope(tenant.Id))
        {
            var member = await members.FindByKeyIdAsync(parts.KeyId, cancellationToken).ConfigureAwait(false);
            return member is not null && ApiKeys.Matches(apiKey, member.ApiKeyHash)
                ? new Authentication(new AuthenticatedPrincipal(member.PrincipalRole, member.Id, tenant.Id, member.DisplayName), tenant)
                : null;
        }
    }
}

/// <summary>API keys.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>
    /// How long a key that checked out is remembered before it is looked up again (see <see cref="ApiKeyAuthenticator"/>).
    /// Default 10 seconds; zero turns the cache off; at most 5 minutes.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>E-mail addresses as the platform stores them: through their field policy, then a plain shape check.</summary>
public static class EmailAddresses
{
    /// <summary>
    /// The address to store (<see langword="null"/> when none was given or it fails); failures go to
    /// <paramref name="errors"/>. The shape is <c>local@domain.tld</c>: one <c>@</c>, a dot in the domain, no dot at either end.
    /// </summary>
    public static string? Check(FieldPolicy policy, string field, string? value, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        var address = policy.Apply(field, value, errors);
        if (errors.Count > before || string.IsNullOrEmpty(address))
        {
            return null;
        }
        var at = address.IndexOf('@', StringComparison.Ordinal);
        var domain = at > 0 ? address[(at + 1)..] : "";
        if (at <= 0 || domain.Contains('@', StringComparison.Ordinal) || !domain.Contains('.', StringComparison.Ordinal)
            || domain.StartsWith('.') || domain.EndsWith('.') || address.Length > 254)
        {
            errors.Add(FieldErrors.InvalidFormat(policy.LabelFor(field), "name@example.jp", "name@example.com"));
            return null;
        }
        return address;
    }
}
