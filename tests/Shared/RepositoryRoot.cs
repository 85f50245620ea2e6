namespace SmartECoupon.Tests;

/// <summary>Finds the repository's root folder from a test's output folder (linked into each test project).</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SmartECoupon.Core.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
