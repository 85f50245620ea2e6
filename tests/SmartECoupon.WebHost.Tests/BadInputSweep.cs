using System.Globalization;
using System.Net;
using System.Text;
using SmartECoupon.Validation;

namespace SmartECoupon.WebHost.Tests;

/// <summary>
/// Hostile strings (in the spirit of the "big list of naughty strings", written here) through every text field of a
/// premium tenant: each is answered 201/200 with the value the field's policy makes of it (and saving that value again
/// changes nothing), 422 <c>validation_failed</c> naming the field, or 400 <c>malformed_request</c> for text JSON cannot
/// carry. Never a 500, and never a control character or a lone surrogate stored.
/// </summary>
public abstract class BadInputSweep(HostFactory factory) : HostContract(factory)
{
    public static readonly string[] Naughty =
    [
        "", " ", "\u3000", "\t", "\r\n", "null", "undefined", "NaN", "true", "0", "-1", "1e309", "0x41",
        "' OR 1=1--", "\"; DROP TABLE coupons; --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
        "${jndi:ldap://x/a}", "{{7*7}}", "%00", "%s%s%s%n", "../../../etc/passwd", "C:\\Windows\\system32", "=cmd|' /C calc'!A0", "+SUM(1)", "@x", "-2+3",
        "\u0000", "a\u0000b", "a\u0007b", "\u001b[31mred", "a\u007fb", "a\u0085b", "a\u202Eb", "a\u200Bb", "\uFEFFbom", "a\u00ADb", "a\u2028b", "a\u2029b",
        "a\uE000b", "\uFFFD", "\uFFFE", "a\uDFFFb", "\uD83D", "a\uD800\uD800b",
        "Ω≈ç√∫˜µ≤≥÷", "田中さんにあげて下さい", "パーティーへ行かないか", "ｶﾞｷﾞｸﾞ", "ＡＢＣ１２３", "〜−—", "髙﨑①㈱", "𠮷野家", "剝がす", "か\u3099",
        "\uFA15\uFA24神\uFA19", "👨‍👩‍👧‍👦👍🏽🇯🇵", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗", "𝕋𝕙𝕖 𝕢𝕦𝕚𝕔𝕜", "ＴＨＥ　ｑｕｉｃｋ", "  padded  ", "\u3000全角空白\u3000",
        "line1\nline2", "x" + new string('あ', 39), new string('あ', 41), new string('a', 5000), string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 30)),
    ];

    private sealed record TextField(string Name, FieldPolicy Policy, Func<string, Task<ApiAnswer>> Send, Func<ApiAnswer, Task<string?>> Stored,
        Func<string, Task<ApiAnswer>>? SaveAgain = null);

    [SkippableFact]
    public async Task Every_text_field_answers_every_hostile_string_without_a_500()
    {
        var tenant = await NewTenantAsync();
        using var admin = Client(tenant.AdminKey);
        using var op = Operator();
        var policies = new InputPolicyOptions();
        var coupon = (await SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b" })).Text("id");
        await SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/publish");
        var later = DateTimeOffset.UtcNow.AddDays(9);

        Task<string?> Property(ApiAnswer answer, string name) => Task.FromResult(answer.Body.GetProperty(name).GetString());
        var fields = new List<TextField>
        {
            new("tenant name", policies.TenantName, s => SendAsync(op, HttpMethod.Post, "/api/v1/tenants", new { name = s, plan = "free", adminName = "管理者" }),
                async a => (await SendAsync(op, HttpMethod.Get, "/api/v1/tenants/" + a.Text("id"))).Text("name")),
            new("admin name", policies.DisplayName, s => SendAsync(op, HttpMethod.Post, "/api/v1/tenants", new { name = "店", plan = "free", adminName = s }),
                async a => (await SendAsync(Client(a.Body.GetProperty("admin").GetProperty("apiKey").GetString()), HttpMethod.Get, "/api/v1/members")).Body.GetProperty("items")[0].GetProperty("displayName").GetString()),
            new("member name", policies.DisplayName, s => SendAsync(admin, HttpMethod.Post, "/api/v1/members", new { displayName = s, role = "staff" }), a => Property(a, "displayName")),
            new("store name", policies.StoreName, s => SendAsync(admin, HttpMethod.Post, "/api/v1/stores", new { name = s }), a => Property(a, "name")),
            new("coupon title", policies.CouponTitle, s => SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = s, benefit = "b" }), a => Property(a, "title"),
                s => SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/" + coupon, new { title = s })),
            new("coupon benefit", policies.CouponBenefit, s => SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = s }), a => Property(a, "benefit"),
                s => SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/" + coupon, new { benefit = s })),
            new("coupon description", policies.CouponDescription, s => SendAsync(admin, HttpMethod.Post, "/api/v1/coupons", new { title = "t", benefit = "b", description = s }), a => Property(a, "description"),
                s => SendAsync(admin, HttpMethod.Patch, "/api/v1/coupons/" + coupon, new { description = s })),
            new("user key", policies.UserKey, s => SendAsync(admin, HttpMethod.Post, $"/api/v1/coupons/{coupon}/tickets", new { userKey = s }), a => Property(a, "userKey")),
            new("notice title", policies.NoticeTitle, s => SendAsync(op, HttpMethod.Post, "/api/v1/maintenance", new { title = s, startsAt = later, endsAt = later.AddHours(1) }), a => Property(a, "title")),
            new("notice body", policies.NoticeBody, s => SendAsync(op, HttpMethod.Post, "/api/v1/maintenance", new { title = "t", body = s, startsAt = later, endsAt = later.AddHours(1) }), a => Property(a, "body")),
            new("incident title", policies.NoticeTitle, s => SendAsync(op, HttpMethod.Post, "/api/v1/incidents", new { title = s, status = "investigating" }), a => Property(a, "title")),
        };

        var failures = new List<string>();
        foreach (var field in fields)
        {
            foreach (var input in Naughty)
            {
                var answer = await field.Send(input);
                var expected = field.Policy.Apply("x", input, new List<ValidationError>());
                var why = $"{field.Name} ← {Show(input)}: {(int)answer.Status} {answer.Code}";
                switch (answer.Status)
                {
                    case HttpStatusCode.Created or HttpStatusCode.OK:
                        var stored = await field.Stored(answer);
                        if (expected is null || stored != expected)
                        {
                            failures.Add($"{why}, stored {Show(stored)}, the policy makes {Show(expected)}");
                        }
                        else if (stored.Any(c => char.IsControl(c) && c != '\n') || HasLoneSurrogate(stored))
                        {
                            failures.Add($"{why}, stored a control character or lone surrogate");
                        }
                        else if (field.SaveAgain is { } save)
                        {
                            var again = await save(stored);
                            var storedAgain = again.Status == HttpStatusCode.OK ? await field.Stored(again) : null;
                            if (storedAgain != stored)
                            {
                                failures.Add($"{why}, saving the stored value again gave {(int)again.Status} {again.Code} {Show(storedAgain)}");
                            }
                        }
                        break;
                    case HttpStatusCode.UnprocessableEntity when answer.Code == "validation_failed":
                        if (expected is not null && !HasLoneSurrogate(input))
                        {
                            failures.Add($"{why}, but the policy accepts it as {Show(expected)}");
                        }
                        break;
                    case HttpStatusCode.BadRequest when answer.Code == "malformed_request":
                        if (!HasLoneSurrogate(input))
                        {
                            failures.Add($"{why}, but the text is valid Unicode");
                        }
                        break;
                    default:
                        failures.Add(why);
                        break;
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static string Show(string? text) => text is null ? "(nothing)"
        : "\"" + string.Concat(text.Take(40).Select(c => c is >= ' ' and <= '~' ? c.ToString() : char.IsSurrogate(c) || char.IsControl(c) || c > '\u2000' && c < '\u3000' ? $"\\u{(int)c:X4}" : c.ToString(CultureInfo.InvariantCulture))) + (text.Length > 40 ? "…" : "") + "\"";
}

public sealed class SqliteBadInputSweep(SqliteHostFactory factory) : BadInputSweep(factory), IClassFixture<SqliteHostFactory>;

public sealed class PostgreSqlBadInputSweep(PostgreSqlHostFactory factory) : BadInputSweep(factory), IClassFixture<PostgreSqlHostFactory>;

// The same contract behind PgBouncer in transaction pooling mode.
public sealed class PgBouncerBadInputSweep(PgBouncerHostFactory factory) : BadInputSweep(factory), IClassFixture<PgBouncerHostFactory>;
