using System.Text.RegularExpressions;
using SmartECoupon.Tests;

namespace SmartECoupon.Core.Tests;

/// <summary>
/// Every C# snippet of README.md and docs/ is compiled and run by CI: each must appear, line for line (indentation
/// aside), in samples/Quickstart or samples/DocSnippets, which test.sh builds and runs with checks of what the docs say.
/// </summary>
public sealed partial class DocsTests
{
    [Fact]
    public void Every_csharp_snippet_of_the_docs_is_in_a_program_that_ci_compiles_and_runs()
    {
        var root = RepositoryRoot.Find();
        var programs = Directory.EnumerateFiles(Path.Combine(root, "samples", "Quickstart"), "*.cs")
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "samples", "DocSnippets"), "*.cs"))
            .Select(f => (File: f, Lines: Lines(File.ReadAllText(f))))
            .ToList();
        var pages = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Append(Path.Combine(root, "README.md"));

        var snippets = 0;
        var missing = new List<string>();
        foreach (var page in pages)
        {
            foreach (Match match in Snippet().Matches(File.ReadAllText(page)))
            {
                snippets++;
                var lines = Lines(match.Groups["code"].Value);
                if (!programs.Any(p => Contains(p.Lines, lines)))
                {
                    missing.Add($"{Path.GetRelativePath(root, page)}: snippet starting \"{lines.FirstOrDefault()}\"");
                }
            }
        }

        Assert.True(snippets >= 12, $"only {snippets} snippets found: is the pattern still right?");
        Assert.True(missing.Count == 0, "Snippets not in samples/Quickstart or samples/DocSnippets:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_check_finds_a_snippet_that_no_program_holds()
    {
        string[] program = ["var a = 1;", "var b = a + 1;", "Console.WriteLine(b);"];
        Assert.True(Contains(program, ["var b = a + 1;", "Console.WriteLine(b);"]));
        Assert.False(Contains(program, ["var b = a + 2;"]));
        Assert.False(Contains(program, ["var a = 1;", "Console.WriteLine(b);"]));
    }

    /// <summary>The non-empty lines, trimmed: indentation differs between a page and a method body.</summary>
    private static string[] Lines(string text) =>
        [.. text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    private static bool Contains(string[] haystack, string[] needle)
    {
        for (var start = 0; start + needle.Length <= haystack.Length; start++)
        {
            var all = true;
            for (var i = 0; i < needle.Length && all; i++)
            {
                all = string.Equals(haystack[start + i], needle[i], StringComparison.Ordinal);
            }
            if (all)
            {
                return true;
            }
        }
        return false;
    }

    [GeneratedRegex(@"```(?:csharp|cs|c#)\r?\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Snippet();
}
