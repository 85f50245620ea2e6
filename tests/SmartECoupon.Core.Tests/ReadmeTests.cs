namespace SmartECoupon.Core.Tests;

public class ReadmeTests
{
    [Fact]
    public void The_readme_quickstart_is_the_program_that_ci_runs()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var program = File.ReadAllText(Path.Combine(root, "samples", "Quickstart", "Program.cs")).ReplaceLineEndings("\n");

        Assert.Contains("```csharp\n" + program + "```", readme, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartECoupon.Core.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
