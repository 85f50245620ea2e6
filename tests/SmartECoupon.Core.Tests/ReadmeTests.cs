namespace SmartECoupon.Core.Tests;

public class ReadmeTests
{
    [Fact]
    public void The_readme_quickstart_is_the_program_that_ci_runs()
    {
        var root = SmartECoupon.Tests.RepositoryRoot.Find();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var program = File.ReadAllText(Path.Combine(root, "samples", "Quickstart", "Program.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + program + "```", readme, StringComparison.Ordinal);
    }
}
