using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>
/// One figure: the library's (or the host's) measurement, the baseline measured in the same run on the same database,
/// and where it stands against its target.
/// </summary>
internal sealed record BenchRow
{
    public required string Scenario { get; init; }
    public required string Provider { get; init; }
    public required string Case { get; init; }
    public required string Variant { get; init; }
    public required double Value { get; init; }
    public required string Unit { get; init; }
    public double? P50Ms { get; init; }
    public double? P99Ms { get; init; }
    public long? Failed { get; init; }

    /// <summary>The same work done by the baseline (raw SQL or the database's own tool), in the same unit.</summary>
    public double? Baseline { get; init; }

    /// <summary>Value ÷ baseline for rates; baseline ÷ value for durations: above 1 is always "faster than the baseline".</summary>
    public double? Ratio { get; init; }

    public string? Target { get; init; }
    public bool? MeetsTarget { get; init; }
    public string? Note { get; init; }
}

/// <summary>Collects the rows of a run, prints them as they come and as a table at the end, and writes them as JSON.</summary>
internal sealed class BenchReport(bool quick)
{
    private readonly List<BenchRow> _rows = [];

    public IReadOnlyList<BenchRow> Rows => _rows;

    public void Add(BenchRow row)
    {
        _rows.Add(row);
        Console.WriteLine("  " + Line(row));
    }

    public void PrintTable()
    {
        Console.WriteLine();
        var header = new[] { "scenario", "provider", "case", "variant", "value", "p50 ms", "p99 ms", "baseline", "ratio", "target", "" };
        var cells = _rows.Select(r => new[]
        {
            r.Scenario, r.Provider, r.Case, r.Variant,
            Number(r.Value) + " " + r.Unit,
            r.P50Ms is { } p50 ? F(p50, 2) : "",
            r.P99Ms is { } p99 ? F(p99, 2) : "",
            r.Baseline is { } b ? Number(b) : "",
            r.Ratio is { } ratio ? F(ratio * 100, 0) + "%" : "",
            r.Target ?? "",
            r.MeetsTarget switch { true => "met", false => "MISSED", null => "" },
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
        {
            Console.WriteLine(string.Join(" | ", row.Select((c, i) => i is 4 or 5 or 6 or 7 or 8 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))));
        }
    }

    public async Task WriteJsonAsync(string path, IReadOnlyDictionary<string, string> machine)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            date = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            mode = quick ? "quick" : "full",
            machine,
            rows = _rows,
        };
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, document, JsonOptions);
        Console.WriteLine($"JSON: {Path.GetFullPath(path)}");
    }

    /// <summary>The table as Markdown (for docs/benchmarks.md), with the machine and the date above it.</summary>
    public async Task WriteMarkdownAsync(string path, IReadOnlyDictionary<string, string> machine, string command)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC ({(quick ? "quick" : "full")} run) with `{command}`.");
        text.AppendLine();
        text.AppendLine(string.Join("; ", machine.Select(kv => $"{kv.Key}: {kv.Value}")) + ".");
        text.AppendLine();
        text.AppendLine("| scenario | provider | case | variant | value | p50 ms | p99 ms | baseline | ratio | target | |");
        text.AppendLine("|---|---|---|---|--:|--:|--:|--:|--:|---|---|");
        foreach (var r in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Scenario} | {r.Provider} | {r.Case} | {r.Variant} | {Number(r.Value)} {r.Unit} | {(r.P50Ms is { } p50 ? F(p50, 2) : "")} | {(r.P99Ms is { } p99 ? F(p99, 2) : "")} | {(r.Baseline is { } b ? Number(b) : "")} | {(r.Ratio is { } ratio ? F(ratio * 100, 0) + "%" : "")} | {r.Target} | {r.MeetsTarget switch { true => "met", false => "**missed**", null => "" }} |");
        }
        var notes = _rows.Where(r => r.Note is not null).Select(r => $"- {r.Provider}, {r.Scenario} [{r.Case}] {r.Variant}: {r.Note}").Distinct().ToList();
        if (notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in notes)
            {
                text.AppendLine(note);
            }
        }
        await File.WriteAllTextAsync(path, text.ToString());
        Console.WriteLine($"Markdown: {Path.GetFullPath(path)}");
    }

    public static Dictionary<string, string> Machine(string? postgresVersion, string sqliteVersion) => new()
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["cpu"] = CpuModel(),
        ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
        ["memory"] = F(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1) + " GiB",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["postgresql"] = postgresVersion ?? "not run",
        ["sqlite"] = sqliteVersion,
    };

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Line(BenchRow r)
    {
        var text = $"{r.Provider,-10} {r.Scenario} [{r.Case}] {r.Variant}: {Number(r.Value)} {r.Unit}";
        if (r.P50Ms is { } p50)
        {
            text += $", p50 {F(p50, 2)} ms, p99 {F(r.P99Ms ?? double.NaN, 2)} ms";
        }
        if (r.Failed is > 0)
        {
            text += $", {r.Failed} failed";
        }
        if (r.Ratio is { } ratio)
        {
            text += $" ({F(ratio * 100, 0)}% of the baseline {Number(r.Baseline!.Value)})";
        }
        if (r.Target is not null)
        {
            text += $"; target {r.Target}: {(r.MeetsTarget == true ? "met" : "missed")}";
        }
        if (r.Note is not null)
        {
            text += $"; {r.Note}";
        }
        return text;
    }

    private static string Number(double value) => value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : F(value, 2);

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
