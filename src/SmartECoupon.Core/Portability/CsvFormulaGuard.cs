using System.Buffers;

namespace SmartECoupon.Portability;

/// <summary>
/// The defence against formula injection (OWASP "CSV Injection") for text cells, made to round-trip: a text that
/// begins with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab, CR or LF, their full-width forms ＝ ＋ － ＠, or the
/// apostrophe itself gets one extra leading apostrophe, which spreadsheets read as "this cell is text". Reading removes
/// exactly that one apostrophe, so every text comes back as it was, including one that really begins with <c>'</c>.
/// </summary>
/// <remarks>
/// CsvHelper's own option only knows ASCII characters and does not escape the apostrophe, which would make the
/// round trip lossy; numbers and dates are never escaped (a spreadsheet should see <c>-500</c> as a number).
/// </remarks>
public static class CsvFormulaGuard
{
    private const char Escape = '\'';

    // The characters a spreadsheet may start a formula with (OWASP, with LF as its current text lists it), their
    // full-width forms, which Japanese Excel may convert, and the apostrophe, so that unescaping is unambiguous.
    private static readonly SearchValues<char> Leading = SearchValues.Create("=+-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20'");

    /// <summary>Whether <paramref name="text"/> needs the leading apostrophe.</summary>
    public static bool NeedsGuard(ReadOnlySpan<char> text) => !text.IsEmpty && Leading.Contains(text[0]);

    /// <summary>The text as a cell holds it: with one leading apostrophe when it needs one.</summary>
    public static string Protect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return NeedsGuard(text) ? Escape + text : text;
    }

    /// <summary>The text a cell written by <see cref="Protect"/> stands for: one leading apostrophe removed when it guards.</summary>
    public static string Unprotect(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return cell.Length >= 2 && cell[0] == Escape && Leading.Contains(cell[1]) ? cell[1..] : cell;
    }
}
