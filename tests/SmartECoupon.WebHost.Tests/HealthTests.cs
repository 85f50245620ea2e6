using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SmartECoupon.WebHost.Tests;

public class HealthTests(SqliteHostFactory factory) : IClassFixture<SqliteHostFactory>
{
    [Fact]
    public async Task Healthz_answers_200_while_the_process_runs()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("ok", body!["status"]);
    }

    [Fact]
    public async Task An_unknown_path_is_a_problem_details_404_not_an_empty_page()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>With <c>Host:ManagementPort</c>, <c>/metrics</c> answers on that port without a key, and nowhere else.</summary>
public sealed class ManagementPortTests(ManagementPortTests.Factory factory) : IClassFixture<ManagementPortTests.Factory>
{
    public sealed class Factory : SqliteHostFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Host:ManagementPort", "9464");
        }
    }

    [Fact]
    public async Task Metrics_answer_on_the_management_port_only()
    {
        using var client = factory.CreateClient();

        using var management = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        management.Headers.Host = "localhost:9464";
        using var onManagement = await client.SendAsync(management);
        using var onPublic = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        using var withOperatorKey = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        withOperatorKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", factory.OperatorKey);
        using var publicWithKey = await client.SendAsync(withOperatorKey);

        Assert.Equal(HttpStatusCode.OK, onManagement.StatusCode);
        Assert.Contains("# TYPE", await onManagement.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, publicWithKey.StatusCode);
    }
}
