using System.Globalization;

namespace SmartECoupon.Core.Tests;

/// <summary>Runs a block under another current culture (ja-JP with the Japanese-era calendar for "ja-JP"), then restores it.</summary>
internal sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _previous = CultureInfo.CurrentCulture;

    private CultureScope(string name)
    {
        var culture = new CultureInfo(name);
        if (name == "ja-JP")
        {
            culture.DateTimeFormat.Calendar = new JapaneseCalendar();
        }
        CultureInfo.CurrentCulture = culture;
    }

    public static CultureScope Use(string name) => new(name);

    public void Dispose() => CultureInfo.CurrentCulture = _previous;
}
