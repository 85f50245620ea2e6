using Microsoft.AspNetCore.Http.HttpResults;
using SmartECoupon.Retention;
using SmartECoupon.Storage;
using SmartECoupon.Stores;
using SmartECoupon.Tenancy;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Api;

/// <summary>Operators, tenants, members and stores.</summary>
internal static class TenancyEndpoints
{
    /// <summary>Operators: the platform's people (operator keys only).</summary>
    public static RouteGroupBuilder MapOperatorsApi(this RouteGroupBuilder api)
    {
        var operators = api.MapGroup("/operators").RequireAuthorization(ApiPolicies.Operator).WithTags("Operators");
        operators.MapPost("/", CreateOperatorAsync).Accepts<CreateOperatorRequest>("application/json").WithSummary("Creates an operator; the answer holds its API key, shown once.");
        operators.MapDelete("/{id}", DeleteOperatorAsync).WithSummary("Removes an operator (not the last one); its key stops working.");
        return operators;
    }

    /// <summary>Tenants: create, read, cancel (operator keys only).</summary>
    public static RouteGroupBuilder MapTenantsApi(this RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").RequireAuthorization(ApiPolicies.Operator).WithTags("Tenants");
        tenants.MapPost("/", CreateTenantAsync).Accepts<CreateTenantRequest>("application/json").WithSummary("Creates a tenant with its first administrator, whose API key the answer holds, shown once.");
        tenants.MapGet("/", ListTenantsAsync).WithSummary("Lists tenants, a page at a time.");
        tenants.MapGet("/{id}", GetTenantAsync).WithSummary("One tenant, with its status and, once cancelled, its purge date.");
        tenants.MapPost("/{id}/cancel", CancelTenantAsync).Accepts<CancelTenantRequest>("application/json").WithSummary("Cancels a tenant from a date: read-only from then, purged on the 10th business day after.");
        return tenants;
    }

    /// <summary>The retention run (operator keys only).</summary>
    public static RouteGroupBuilder MapRetentionApi(this RouteGroupBuilder api)
    {
        var retention = api.MapGroup("/ops/retention").RequireAuthorization(ApiPolicies.Operator).WithTags("Operations");
        retention.MapPost("/run", RunRetentionAsync).WithSummary("Runs the retention job now: due purges, expired idempotency records and audit entries.");
        return retention;
    }

    /// <summary>A tenant's members and their keys (admin keys only).</summary>
    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/members").RequireAuthorization(ApiPolicies.Admin).WithTags("Members");
        members.MapPost("/", CreateMemberAsync).Accepts<CreateMemberRequest>("application/json").WithSummary("Adds a member (admin or staff) within the plan's limit; the answer holds their API key, shown once.");
        members.MapGet("/", ListMembersAsync).WithSummary("Lists the tenant's members.");
        members.MapGet("/{id}", GetMemberAsync).WithSummary("One member.");
        members.MapDelete("/{id}", DeleteMemberAsync).WithSummary("Removes a member; their key stops working at once.");
        members.MapPost("/{id}/rotate-key", RotateKeyAsync).WithSummary("Gives a member a new API key; the old one stops working at once.");
        return members;
    }

    /// <summary>A tenant's stores.</summary>
    public static RouteGroupBuilder MapStoresApi(this RouteGroupBuilder api)
    {
        var stores = api.MapGroup("/stores").WithTags("Stores");
        stores.MapPost("/", CreateStoreAsync).Accepts<CreateStoreRequest>("application/json").RequireAuthorization(ApiPolicies.Admin).WithSummary("Adds a store (a shop where coupons are used) within the plan's limit.");
        stores.MapGet("/", ListStoresAsync).RequireAuthorization(ApiPolicies.Staff).WithSummary("Lists the tenant's stores.");
        stores.MapGet("/{id}", GetStoreAsync).RequireAuthorization(ApiPolicies.Staff).WithSummary("One store.");
        return stores;
    }

    private static async Task<Results<Created<OperatorResponse>, ProblemHttpResult>> CreateOperatorAsync(Bound<CreateOperatorRequest> body, HttpContext context, OperatorService service)
    {
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, body.Errors);
        }
        var created = await service.CreateAsync(body.Value.DisplayName, context.RequestAborted);
        return created.Succeeded
            ? TypedResults.Created($"/api/v1/operators/{created.Value.Person.Id}", new OperatorResponse(created.Value.Person.Id, created.Value.Person.DisplayName, created.Value.ApiKey))
            : ApiProblem.From(context, created.Failure);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteOperatorAsync(string id, HttpContext context, OperatorService service)
    {
        var removed = await service.RemoveAsync(id, context.RequestAborted);
        return removed.Succeeded ? TypedResults.NoContent() : ApiProblem.From(context, removed.Failure);
    }

    private static async Task<Results<Created<TenantCreatedResponse>, ProblemHttpResult>> CreateTenantAsync(Bound<CreateTenantRequest> body, HttpContext context, TenantService service)
    {
        var (request, errors) = (body.Value, body.Errors.ToList());
        var plan = RequestFields.Enum<TenantPlan>(request.Plan, "plan", errors, "free、standard、premiumのいずれか", "free, standard or premium");
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        // A plan that is not one of the names goes as none: the library refuses it with its errors on the other fields.
        var created = await service.CreateAsync(request.Name, plan, request.AdminName, Caller.ActorOf(context), request.AdminEmail, context.RequestAborted);
        return created.Succeeded && errors.Count == 0
            ? TypedResults.Created($"/api/v1/tenants/{created.Value.Tenant.Id}", TenantCreatedResponse.From(created.Value))
            : ApiProblem.Invalid(context, errors, created.Failure);
    }

    private static async Task<Results<Ok<ListResponse<TenantResponse>>, ProblemHttpResult>> ListTenantsAsync(HttpContext context, TenantService service) =>
        await ApiPaging.ListAsync(context, page => service.ListAsync(page, context.RequestAborted), t => TenantResponse.From(t, TenantTimeZones.Find(t.TimeZoneId)));

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> GetTenantAsync(string id, HttpContext context, TenantService service) =>
        await service.FindAsync(id, context.RequestAborted) is { } tenant
            ? TypedResults.Ok(TenantResponse.From(tenant, TenantTimeZones.Find(tenant.TimeZoneId)))
            : ApiProblem.NotFound(context);

    private static async Task<Results<Ok<TenantResponse>, ProblemHttpResult>> CancelTenantAsync(string id, Bound<CancelTenantRequest>? body, HttpContext context, TenantService service)
    {
        var errors = body?.Errors.ToList() ?? [];
        var effectiveOn = RequestFields.Date(body?.Value.EffectiveOn, "effectiveOn", errors);
        if (errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        var cancelled = await service.CancelAsync(id, effectiveOn, Caller.ActorOf(context), context.RequestAborted);
        return cancelled.Succeeded
            ? TypedResults.Ok(TenantResponse.From(cancelled.Value, TenantTimeZones.Find(cancelled.Value.TimeZoneId)))
            : ApiProblem.From(context, cancelled.Failure);
    }

    private static async Task<Ok<RetentionRunResponse>> RunRetentionAsync(HttpContext context, RetentionSweeper sweeper)
    {
        var swept = await sweeper.SweepAsync(context.RequestAborted);
        return TypedResults.Ok(new RetentionRunResponse([.. swept.Purged.Select(p => new PurgedTenantResponse(p.TenantId, p.PurgedAt, p.DeletedRows, p.BackupsClearBy, p.BackupsScrubbedAt))]));
    }

    private static async Task<Results<Created<MemberCreatedResponse>, ProblemHttpResult>> CreateMemberAsync(Bound<CreateMemberRequest> body, HttpContext context, MemberService service)
    {
        var (request, errors) = (body.Value, body.Errors.ToList());
        var role = RequestFields.Enum<MemberRole>(request.Role, "role", errors, "adminまたはstaff", "admin or staff");
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, errors);
        }
        // A role that is not one of the names goes as none: the library refuses it with its errors on the other fields.
        var created = await service.CreateAsync(request.DisplayName, role, Caller.ActorOf(context), request.Email, context.RequestAborted);
        return created.Succeeded && errors.Count == 0
            ? TypedResults.Created($"/api/v1/members/{created.Value.Person.Id}", MemberCreatedResponse.From(created.Value))
            : ApiProblem.Invalid(context, errors, created.Failure);
    }

    private static async Task<Results<Ok<ListResponse<MemberResponse>>, ProblemHttpResult>> ListMembersAsync(HttpContext context, MemberService service)
    {
        var zone = Caller.ZoneOf(context);
        return await ApiPaging.ListAsync(context, page => service.ListAsync(page, context.RequestAborted), m => MemberResponse.From(m, zone));
    }

    private static async Task<Results<Ok<MemberResponse>, ProblemHttpResult>> GetMemberAsync(string id, HttpContext context, MemberService service) =>
        await service.FindAsync(id, context.RequestAborted) is { } member
            ? TypedResults.Ok(MemberResponse.From(member, Caller.ZoneOf(context)))
            : ApiProblem.NotFound(context);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteMemberAsync(string id, HttpContext context, MemberService service)
    {
        var removed = await service.RemoveAsync(id, Caller.ActorOf(context), context.RequestAborted);
        return removed.Succeeded ? TypedResults.NoContent() : ApiProblem.From(context, removed.Failure);
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RotateKeyAsync(string id, HttpContext context, MemberService service)
    {
        var rotated = await service.RotateKeyAsync(id, Caller.ActorOf(context), context.RequestAborted);
        return rotated.Succeeded ? TypedResults.Ok(new ApiKeyResponse(rotated.Value)) : ApiProblem.From(context, rotated.Failure);
    }

    private static async Task<Results<Created<StoreResponse>, ProblemHttpResult>> CreateStoreAsync(Bound<CreateStoreRequest> body, HttpContext context, StoreService service)
    {
        if (body.Errors.Count > 0)
        {
            return ApiProblem.Invalid(context, body.Errors);
        }
        var created = await service.CreateAsync(body.Value.Name, Caller.ActorOf(context), context.RequestAborted);
        return created.Succeeded
            ? TypedResults.Created($"/api/v1/stores/{created.Value.Id}", StoreResponse.From(created.Value, Caller.ZoneOf(context)))
            : ApiProblem.From(context, created.Failure);
    }

    private static async Task<Results<Ok<ListResponse<StoreResponse>>, ProblemHttpResult>> ListStoresAsync(HttpContext context, StoreService service)
    {
        var zone = Caller.ZoneOf(context);
        return await ApiPaging.ListAsync(context, page => service.ListAsync(page, context.RequestAborted), s => StoreResponse.From(s, zone));
    }

    private static async Task<Results<Ok<StoreResponse>, ProblemHttpResult>> GetStoreAsync(string id, HttpContext context, StoreService service) =>
        await service.FindAsync(id, context.RequestAborted) is { } store
            ? TypedResults.Ok(StoreResponse.From(store, Caller.ZoneOf(context)))
            : ApiProblem.NotFound(context);
}

internal sealed record RetentionRunResponse(IReadOnlyList<PurgedTenantResponse> Purged);

internal sealed record PurgedTenantResponse(string TenantId, DateTimeOffset? PurgedAt, IReadOnlyDictionary<string, long> Deleted, DateOnly? BackupsClearBy, DateTimeOffset? BackupsScrubbedAt);

/// <summary>The contract's lists: <c>?limit=</c> (1–200, default 50) and <c>?cursor=</c>.</summary>
internal static class ApiPaging
{
    public static Task<Results<Ok<ListResponse<T>>, ProblemHttpResult>> ListAsync<TItem, T>(HttpContext context, Func<PageRequest, Task<Page<TItem>>> list, Func<TItem, T> map) =>
        ListAsync(context, async page => (Result<Page<TItem>>)await list(page), map);

    /// <summary>A list whose service can fail (the parent object is not found, for example).</summary>
    public static async Task<Results<Ok<ListResponse<T>>, ProblemHttpResult>> ListAsync<TItem, T>(HttpContext context, Func<PageRequest, Task<Result<Page<TItem>>>> list, Func<TItem, T> map)
    {
        var query = context.Request.Query;
        int? limit = null;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiProblem.Invalid(context, [FieldErrors.OutOfRange("limit", $"1以上{PageRequest.MaxLimit}以下", $"between 1 and {PageRequest.MaxLimit}")]);
            }
            limit = parsed;
        }
        if (!PageRequest.TryCreate(limit, query.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null, out var page, out var field))
        {
            return ApiProblem.Invalid(context, [field == "limit"
                ? FieldErrors.OutOfRange("limit", $"1以上{PageRequest.MaxLimit}以下", $"between 1 and {PageRequest.MaxLimit}")
                : FieldErrors.InvalidFormat("cursor", "前のページのnextCursor", "the nextCursor of a previous page")]);
        }
        try
        {
            var listed = await list(page);
            return listed.Succeeded ? TypedResults.Ok(ListResponse<T>.Of(listed.Value, map)) : ApiProblem.From(context, listed.Failure);
        }
        catch (ArgumentException ex) when (ex.ParamName == "cursor")
        {
            return ApiProblem.Invalid(context, [FieldErrors.InvalidFormat("cursor", "前のページのnextCursor", "the nextCursor of a previous page")]);
        }
    }
}
