using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using SmartECoupon.Tests;

namespace SmartECoupon.WebHost.Tests;

/// <summary>What a contract test needs of the host it calls: clients, the first operator's key, and whether it runs here.</summary>
public interface IHostUnderTest
{
    string ProviderName { get; }

    /// <summary>The first operator's key.</summary>
    string OperatorKey { get; }

    /// <summary>A client that behaves as the contract asks: it retries a 429 after its Retry-After.</summary>
    HttpClient Client(string? apiKey = null);

    /// <summary>A client that shows every answer as it is, 429 included.</summary>
    HttpClient RawClient(string? apiKey = null);

    /// <summary>Skips the test when the host cannot run here (and fails instead where it must run).</summary>
    void SkipUnlessAvailable();

    /// <summary>
    /// Waits until a change to keys, members or tenants has reached every instance: at once for one process; for several,
    /// the time the contract gives (1 second), since the next request may reach an instance the notification has not.
    /// </summary>
    Task ChangesReachEveryInstanceAsync() => Task.CompletedTask;
}

/// <summary>
/// The production shape started by <c>eng/cluster.sh up</c>: HAProxy → two host instances (least privilege) → PgBouncer in
/// transaction mode → HAProxy → the Patroni primary. Named by <c>SMARTECOUPON_CLUSTER_URL</c> and
/// <c>SMARTECOUPON_CLUSTER_OPERATOR_KEY</c>, which <c>.ci/run</c> sets after starting it; without them the tests skip,
/// unless <c>SMARTECOUPON_CLUSTER_REQUIRED=true</c> (which <c>.ci/run</c> also sets), where they fail. HAProxy balances
/// each request round robin and names the instance that answered in <c>X-Served-By</c>, which the clients here record.
/// </summary>
public sealed class ClusterHost : IHostUnderTest
{
    private readonly ConcurrentDictionary<string, int> _servedBy = new(StringComparer.Ordinal);

    public string ProviderName => "PostgreSQL through HAProxy, two instances and PgBouncer";

    public string OperatorKey => Environment.GetEnvironmentVariable("SMARTECOUPON_CLUSTER_OPERATOR_KEY") ?? "";

    private static Uri Address => new(Environment.GetEnvironmentVariable("SMARTECOUPON_CLUSTER_URL") ?? "http://127.0.0.1:1");

    /// <summary>How many answers each instance gave, by HAProxy's name for it.</summary>
    public IReadOnlyDictionary<string, int> ServedBy => _servedBy;

    // Key, member and tenant changes reach the other instance within a second (LISTEN/NOTIFY; measured in milliseconds).
    public Task ChangesReachEveryInstanceAsync() => Task.Delay(TimeSpan.FromSeconds(1));

    public void SkipUnlessAvailable()
    {
        if (Environment.GetEnvironmentVariable("SMARTECOUPON_CLUSTER_URL") is { Length: > 0 } && OperatorKey.Length > 0)
        {
            return;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("SMARTECOUPON_CLUSTER_REQUIRED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("SMARTECOUPON_CLUSTER_REQUIRED=true but SMARTECOUPON_CLUSTER_URL or SMARTECOUPON_CLUSTER_OPERATOR_KEY is not set.");
        }
        throw new SkipException("Cluster tests skipped: start eng/cluster.sh up and set SMARTECOUPON_CLUSTER_URL and SMARTECOUPON_CLUSTER_OPERATOR_KEY (.ci/run does).");
    }

    public HttpClient Client(string? apiKey = null) => Create(new RetryAfterHandler { InnerHandler = Recorder() }, apiKey);

    public HttpClient RawClient(string? apiKey = null) => Create(Recorder(), apiKey);

    private ServedByRecorder Recorder() => new(_servedBy) { InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 } };

    private static HttpClient Create(HttpMessageHandler handler, string? apiKey)
    {
        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    private sealed class ServedByRecorder(ConcurrentDictionary<string, int> servedBy) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var instance = response.Headers.TryGetValues("X-Served-By", out var values) ? values.First() : "(none)";
            servedBy.AddOrUpdate(instance, 1, (_, count) => count + 1);
            return response;
        }
    }
}

/// <summary>
/// The cluster's tests run one class at a time: each test's own requests then alternate between the instances exactly,
/// as nothing else passes through HAProxy meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TheProductionShape : ICollectionFixture<ClusterHost>
{
    public const string Name = "The production shape";
}

[Collection(TheProductionShape.Name)]
public sealed class ClusterRoutingTests(ClusterHost cluster) : HostContract(cluster)
{
    [SkippableFact]
    public async Task Requests_alternate_between_the_two_instances_and_each_knows_every_key()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        var served = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await admin.GetAsync(new Uri("/api/v1/stores", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add(response.Headers.GetValues("X-Served-By").Single());
        }

        // Round robin: two instances, each request to the other one than the last.
        Assert.Equal(2, served.Distinct().Count());
        Assert.All(served.Zip(served.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }
}

// The host contract's isolation, idempotency, race and authentication parts, with every request alternating between two
// instances that share PostgreSQL through PgBouncer in transaction mode.
[Collection(TheProductionShape.Name)]
public sealed class ClusterTenancyContract(ClusterHost cluster) : TenancyContract(cluster);

[Collection(TheProductionShape.Name)]
public sealed class ClusterConcurrencyContract(ClusterHost cluster) : ConcurrencyContract(cluster);

[Collection(TheProductionShape.Name)]
public sealed class ClusterRedemptionContract(ClusterHost cluster) : RedemptionContract(cluster);

[Collection(TheProductionShape.Name)]
public sealed class ClusterIsolationSweep(ClusterHost cluster) : IsolationSweep(cluster);
