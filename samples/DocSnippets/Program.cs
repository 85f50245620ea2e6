// Runs every snippet of the docs and checks what the docs say about it. Exit code 0: every claim held.
using SmartECoupon.DocSnippets;

var checks = new Checks();
await using (var sandbox = await Sandbox.CreateAsync())
{
    CalendarSnippets.Run(checks);
    InputPolicySnippets.Run(checks);
    ServiceLevelSnippets.Run(checks);
    ArchitectureSnippets.Run(checks);
    // Portability first: the retention snippets cancel the sandbox's tenant, which makes it read-only.
    await PortabilitySnippets.RunAsync(sandbox, checks);
    await RetentionSnippets.RunAsync(sandbox, checks);
    await StorageSnippets.RunAsync(checks);
}
return checks.Report();
