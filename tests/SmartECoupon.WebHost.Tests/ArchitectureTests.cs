using System.Reflection.Metadata;
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
