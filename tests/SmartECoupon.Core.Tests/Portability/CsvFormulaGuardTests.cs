using CsCheck;
using SmartECoupon.Portability;

namespace SmartECoupon.Core.Tests.Portability;

public sealed class CsvFormulaGuardTests
{
    [Theory]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+81-3-1234-5678", "'+81-3-1234-5678")]
    [InlineData("-500", "'-500")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tX", "'\tX")]
    [InlineData("\rY", "'\rY")]
    [InlineData("\nZ", "'\nZ")]
    [InlineData("＝ＳＵＭ（Ａ１）", "'＝ＳＵＭ（Ａ１）")]
    [InlineData("＋1", "'＋1")]
    [InlineData("－5", "'－5")]
    [InlineData("＠home", "'＠home")]
    [InlineData("'quoted", "''quoted")]
    [InlineData("''", "'''")]
    [InlineData("=1+2\";=1+2", "'=1+2\";=1+2")]
    [InlineData("秋のフェア", "秋のフェア")]
    [InlineData("a=1", "a=1")]
    [InlineData(" =1", " =1")]
    [InlineData("", "")]
    public void Text_that_a_spreadsheet_could_run_gets_one_apostrophe_and_comes_back(string text, string cell)
    {
        Assert.Equal(cell, CsvFormulaGuard.Protect(text));
        Assert.Equal(text, CsvFormulaGuard.Unprotect(cell));
    }

    [Theory]
    [InlineData("'abc")]     // an apostrophe before a harmless character was not written by the guard: kept
    [InlineData("'")]
    public void Unprotecting_leaves_alone_what_the_guard_did_not_write(string cell)
    {
        Assert.Equal(cell, CsvFormulaGuard.Unprotect(cell));
    }

    [Fact]
    public void Every_text_round_trips_through_the_guard()
    {
        Gen.String[Gen.Char["='+-@\t\r\n＝＋－＠a1 "], 0, 6].Sample(text =>
        {
            var cell = CsvFormulaGuard.Protect(text);
            Assert.Equal(text, CsvFormulaGuard.Unprotect(cell));
            Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n' or '＝' or '＋' or '－' or '＠');
        }, iter: 20_000);
    }
}
