using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SmartECoupon.WebHost.Tests;

/// <summary>A tenant made for one test through the API, with its first administrator's key.</summary>
public sealed record ApiTenant(string Id, string AdminId, string AdminKey);

/// <summary>An answer: its status and its JSON body (or nothing).</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)
{
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var code) ? code.GetString() : null;

    public string Text(string property) => Body.GetProperty(property).GetString()!;
}

/// <summary>What the contract tests share: the host on one provider, and helpers that call it as a client would.</summary>
public abstract class HostContract(IHostUnderTest host)
{
    protected IHostUnderTest Factory { get; } = host;

    /// <summary>A client with the first operator's key.</summary>
    protected HttpClient Operator() => Factory.Client(Factory.OperatorKey);

    protected HttpClient Client(string? apiKey) => Factory.Client(apiKey);

    protected void SkipUnlessAvailable() => Factory.SkipUnlessAvailable();

    protected async Task<ApiTenant> NewTenantAsync(string plan = "premium")
    {
        SkipUnlessAvailable();
        using var client = Operator();
        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/tenants", new { name = "テスト店舗 " + Guid.NewGuid().ToString("N")[..8], plan, adminName = "管理者" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var admin = created.Body.GetProperty("admin");
        return new ApiTenant(created.Text("id"), admin.GetProperty("memberId").GetString()!, admin.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Sends <paramref name="body"/> as JSON (or nothing) and reads the answer.</summary>
    protected static async Task<ApiAnswer> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        var response = await client.SendAsync(request);
        return await ReadAsync(response);
    }

    protected static async Task<ApiAnswer> ReadAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var json = bytes.Length > 0 && response.Content.Headers.ContentType?.MediaType is "application/json" or "application/problem+json"
            ? JsonDocument.Parse(bytes).RootElement.Clone()
            : default;
        return new ApiAnswer(response.StatusCode, json, response);
    }

    protected static void AssertProblem(ApiAnswer answer, HttpStatusCode status, string code)
    {
        Assert.True(answer.Status == status && answer.Code == code,
            $"Expected {(int)status} {code}, got {(int)answer.Status} {answer.Code}: {answer.Body}");
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, answer.Body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("title").GetString()));
    }

    /// <summary>
    /// Polls <c>/api/v1/jobs/{id}</c> until the job has ended (or <paramref name="limit"/> passes) and returns its last
    /// status. A test that snapshots a tenant must wait for that tenant's own jobs first: a job still writing codes changes
    /// <c>issuedCount</c> under it.
    /// </summary>
    protected static async Task<ApiAnswer> WaitForJobAsync(HttpClient client, string jobId, TimeSpan? limit = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        ApiAnswer status;
        do
        {
            await Task.Delay(200);
            status = await SendAsync(client, HttpMethod.Get, "/api/v1/jobs/" + jobId);
        }
        while (status.Text("status") is "queued" or "running" && waited.Elapsed < (limit ?? TimeSpan.FromSeconds(120)));
        return status;
    }

    protected static IEnumerable<string?> FieldCodes(ApiAnswer answer) =>
        answer.Body.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}:{e.GetProperty("code").GetString()}");
}
