using System.Reflection;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Reflection.PortableExecutable;
using SmartECoupon.Storage.EfCore;
using SmartECoupon.Tenancy;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// The host touches the library's services only: it references no storage port (an interface of Core that a storage
/// adapter implements), and it never finds a tenant or begins a tenant scope itself; the library's resolver does.
/// Read from the host assembly's own metadata, so any use (a parameter, a field, a call, a generic argument) counts.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string HostAssembly = typeof(Program).Assembly.Location;

    [Fact]
    public void The_host_references_no_storage_port()
    {
        var ports = typeof(SmartECouponStorage).Assembly.GetTypes()
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.Assembly == typeof(TenantSession).Assembly)
            .Select(i => i.FullName!)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("SmartECoupon.Storage.ICouponRepository", ports);
        Assert.Contains("SmartECoupon.Storage.ITenantDirectory", ports);

        var referenced = ReferencedTypes();
        Assert.Contains("SmartECoupon.Coupons.CouponService", referenced);
        Assert.DoesNotContain(referenced, ports.Contains);
    }

    [Fact]
    public void Handlers_bind_call_one_service_and_map_in_at_most_fifteen_lines()
    {
        var folder = Path.Combine(SmartECoupon.Tests.RepositoryRoot.Find(), "samples", "WebHost", "Api");
        var handlers = new List<(string Name, int Lines)>();
        foreach (var file in Directory.GetFiles(folder, "*Endpoints.cs"))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var header = Regex.Match(lines[i], @"^    (private|internal|public) static .*?(\w+Async)\(");
                if (!header.Success || lines[i].TrimEnd().EndsWith(';'))
                {
                    continue;
                }
                var expressionBodied = lines[i].Contains("=>", StringComparison.Ordinal) || lines[i + 1].TrimStart().StartsWith("=>", StringComparison.Ordinal);
                var end = i;
                while (expressionBodied ? !lines[end].TrimEnd().EndsWith(';') : lines[end] != "    }")
                {
                    end++;
                }
                handlers.Add(($"{Path.GetFileName(file)}:{header.Groups[2].Value}", end - i + 1));
                Assert.DoesNotContain(lines[i..end].Where(l => l.Contains("JsonBody.ReadAsync", StringComparison.Ordinal)), _ => true);
                i = end;
            }
        }
        Assert.True(handlers.Count >= 40, $"found {handlers.Count} handlers");
        Assert.Empty(handlers.Where(h => h.Lines > 15).Select(h => $"{h.Name} ({h.Lines} lines)"));
    }

    [Fact]
    public void Every_stable_code_lives_in_the_one_catalogue()
    {
        var catalogue = typeof(FailureCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(catalogue.Count, catalogue.Distinct(StringComparer.Ordinal).Count());

        // No second list of codes: no constant anywhere else in the library, the adapter or the host spells one.
        var elsewhere = new[] { typeof(FailureCodes).Assembly, typeof(SmartECouponStorage).Assembly, typeof(Program).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t != typeof(FailureCodes))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(f => f.IsLiteral && f.GetRawConstantValue() is string value && catalogue.Contains(value))
            .Select(f => $"{f.DeclaringType!.FullName}.{f.Name}")
            .ToList();
        Assert.Empty(elsewhere);

        // Every code the HTTP contract names is in the catalogue.
        var contract = File.ReadAllText(Path.Combine(SmartECoupon.Tests.RepositoryRoot.Find(), "docs", "http-api.md"));
        var documented = Regex.Matches(contract, "`([a-z]+(?:_[a-z]+)+)`|code\"?:\\s*\"([a-z_]+)\"")
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("total_limit_reached", documented);
        Assert.Contains("invalid_type", documented);
        Assert.Empty(documented.Except(catalogue, StringComparer.Ordinal));
    }

    [Fact]
    public void The_host_never_begins_a_tenant_scope_or_finds_a_tenant_itself()
    {
        var calls = ReferencedMembers();
        Assert.Contains("SmartECoupon.Tenancy.TenantSessionResolver.ResolveAsync", calls);
        string[] forbidden = ["SmartECoupon.Tenancy.ITenantContext.BeginScope", "SmartECoupon.Tenancy.ITenantContext.Begin", "SmartECoupon.Tenancy.ApiKeyAuthenticator.AuthenticateAsync"];
        Assert.DoesNotContain(calls, forbidden.Contains);
        Assert.DoesNotContain("SmartECoupon.Tenancy.ITenantContext", ReferencedTypes());
    }

    private static HashSet<string> ReferencedTypes()
    {
        using var pe = new PEReader(File.OpenRead(HostAssembly));
        var reader = pe.GetMetadataReader();
        return reader.TypeReferences.Select(h => NameOf(reader, reader.GetTypeReference(h))).ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> ReferencedMembers()
    {
        using var pe = new PEReader(File.OpenRead(HostAssembly));
        var reader = pe.GetMetadataReader();
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                members.Add(NameOf(reader, reader.GetTypeReference((TypeReferenceHandle)member.Parent)) + "." + reader.GetString(member.Name));
            }
        }
        return members;
    }

    private static string NameOf(MetadataReader reader, TypeReference type) =>
        type.ResolutionScope.Kind == HandleKind.TypeReference
            ? NameOf(reader, reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + reader.GetString(type.Name)
            : reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
}
