using SmartECoupon.Tenancy;

namespace SmartECoupon.Core.Tests.Tenancy;

public class PrincipalTests
{
    [Theory]
    // Operators run the platform but are not tenant administrators: tenant data is never theirs to touch.
    [InlineData(PrincipalRole.Operator, PrincipalRole.Operator, true)]
    [InlineData(PrincipalRole.Operator, PrincipalRole.Admin, false)]
    [InlineData(PrincipalRole.Operator, PrincipalRole.Staff, false)]
    [InlineData(PrincipalRole.Admin, PrincipalRole.Operator, false)]
    [InlineData(PrincipalRole.Admin, PrincipalRole.Admin, true)]
    [InlineData(PrincipalRole.Admin, PrincipalRole.Staff, true)]
    [InlineData(PrincipalRole.Staff, PrincipalRole.Operator, false)]
    [InlineData(PrincipalRole.Staff, PrincipalRole.Admin, false)]
    [InlineData(PrincipalRole.Staff, PrincipalRole.Staff, true)]
    public void Roles_grant_least_privilege(PrincipalRole role, PrincipalRole required, bool granted)
    {
        var principal = new AuthenticatedPrincipal(role, "id", role == PrincipalRole.Operator ? null : "tnt_a", "name");

        Assert.Equal(granted, principal.HasRole(required));
        Assert.Equal(role == PrincipalRole.Operator, principal.IsOperator);
    }

    [Theory]
    [InlineData(MemberRole.Admin, PrincipalRole.Admin)]
    [InlineData(MemberRole.Staff, PrincipalRole.Staff)]
    public void A_member_acts_in_the_role_of_its_membership(MemberRole memberRole, PrincipalRole expected)
    {
        var member = new Member { TenantId = "tnt_a", Id = "mem_a", DisplayName = "a", Role = memberRole, ApiKeyId = "k", ApiKeyHash = new byte[32] };

        Assert.Equal(expected, member.PrincipalRole);
    }
}
