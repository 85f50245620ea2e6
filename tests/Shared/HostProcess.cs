using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace SmartECoupon.Tests;

/// <summary>
/// The host binary as operators run it (linked into the test projects that start it) (<c>dotnet SmartECoupon.WebHost.dll</c>) on real Kestrel on a loopback port, in
/// a process of its own that a test can kill.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>What the process wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The built host next to this test assembly's configuration (Debug or Release).</summary>
    public static string HostAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(SmartECoupon.Tests.RepositoryRoot.Find(), "samples", "WebHost", "bin", configuration, "net10.0", "SmartECoupon.WebHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the host first.", path);
    }

    /// <summary>
    /// Starts the host in <paramref name="workFolder"/>, which is also its content root unless
    /// <paramref name="contentRootIsWorkFolder"/> is false (then the host picks its own, as when an operator starts it).
    /// </summary>
    public static async Task<HostProcess> StartAsync(string workFolder, IReadOnlyDictionary<string, string> settings, bool contentRootIsWorkFolder = true)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HostAssembly());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString());
        if (contentRootIsWorkFolder)
        {
            start.ArgumentList.Add("--contentRoot");
            start.ArgumentList.Add(workFolder);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        var host = new HostProcess(process, address);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The host exited with {process.ExitCode}:\n{host.Output}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        await host.DisposeAsync();
        throw new TimeoutException($"The host did not answer /healthz within a minute:\n{host.Output}");
    }

    public HttpClient Client(string? apiKey)
    {
        var client = new HttpClient(new RetryAfterHandler { InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 } }) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>Kills the process at once, as a crash would: no graceful shutdown.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Retries a 429 after the time its Retry-After gives, as the contract asks of clients.</summary>
public sealed class RetryAfterHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentHeaders = request.Content?.Headers.ToList();
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= 50)
            {
                return response;
            }
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
            if (body is not null)
            {
                var content = new ByteArrayContent(body);
                foreach (var (name, values) in contentHeaders!)
                {
                    content.Headers.TryAddWithoutValidation(name, values);
                }
                request.Content = content;
            }
        }
    }
}
