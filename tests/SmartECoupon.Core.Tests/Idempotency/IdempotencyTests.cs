using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartECoupon.Idempotency;

namespace SmartECoupon.Core.Tests.Idempotency;

public class IdempotencyKeyTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("0b7e7a4e-7f5b-4a7e-9b51-3d6c3c0f4a21")]
    [InlineData("!~")]
    public void Visible_ascii_keys_up_to_255_characters_are_accepted(string key)
    {
        Assert.True(IdempotencyKey.TryCreate(key, out var parsed));
        Assert.Equal(key, parsed.Value);
        Assert.True(IdempotencyKey.TryCreate(new string('k', 255), out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("日本語")]
    [InlineData("line\n")]
    public void Other_keys_are_refused(string? key)
    {
        Assert.False(IdempotencyKey.TryCreate(key, out _));
        Assert.False(IdempotencyKey.TryCreate(new string('k', 256), out _));
    }
}

public class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        Assert.True(CanonicalJson.TryCanonicalize(Encoding.UTF8.GetBytes(json), out var canonical, out var error), error);
        return Encoding.UTF8.GetString(canonical);
    }

    private static string Refusal(byte[] body)
    {
        Assert.False(CanonicalJson.TryCanonicalize(body, out _, out var error));
        return error;
    }

    [Fact]
    public void Member_order_white_space_and_escapes_do_not_matter()
    {
        var a = Canonical("""{"code":"AB23","storeId":"sto_1","nested":{"z":1,"a":[3,2,1]}}""");
        var b = Canonical("""
            {
              "nested" : { "a" : [ 3, 2, 1 ], "z" : 1 },
              "storeId" : "sto\u005f1",
              "code":"\u0041B23"
            }
            """);

        Assert.Equal(a, b);
        Assert.Equal("""{"code":"AB23","nested":{"a":[3,2,1],"z":1},"storeId":"sto_1"}""", a);
    }

    [Fact]
    public void Values_array_order_and_types_do_matter()
    {
        Assert.NotEqual(Canonical("""{"a":[1,2]}"""), Canonical("""{"a":[2,1]}"""));
        Assert.NotEqual(Canonical("""{"a":"1"}"""), Canonical("""{"a":1}"""));
        Assert.NotEqual(Canonical("""{"a":null}"""), Canonical("""{}"""));
        Assert.NotEqual(Canonical("""{"a":"x"}"""), Canonical("""{"a":"X"}"""));
    }

    [Fact]
    public void Japanese_text_and_surrogate_pairs_survive()
    {
        var escaped = Canonical("""{"t":"\ud842\udfb7野家クーポン"}""");

        Assert.Equal(escaped, Canonical("""{"t":"𠮷野家クーポン"}"""));
        using var document = System.Text.Json.JsonDocument.Parse(escaped);
        Assert.Equal("𠮷野家クーポン", document.RootElement.GetProperty("t").GetString());
    }

    [Fact]
    public void A_lone_surrogate_escape_is_malformed()
    {
        Assert.Contains("not valid text", Refusal(Encoding.UTF8.GetBytes("""{"t":"\ud800"}""")), StringComparison.Ordinal);
        Refusal(Encoding.UTF8.GetBytes("""{"t":"a\udc00b"}"""));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_malformed()
    {
        var cp932 = new byte[] { (byte)'{', (byte)'"', (byte)'t', (byte)'"', (byte)':', (byte)'"', 0x83, 0x4E, (byte)'"', (byte)'}' };

        Assert.Contains("UTF-8", Refusal(cp932), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":1} // comment""")]
    [InlineData("""{a:1}""")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("""{"a":1}{"b":2}""")]
    public void Other_malformed_bodies_are_refused(string body)
    {
        Refusal(Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public void Deep_nesting_is_refused_rather_than_overflowing_the_stack()
    {
        var deep = new string('[', 10_000) + new string(']', 10_000);

        Refusal(Encoding.UTF8.GetBytes(deep));
    }
}

public class RequestFingerprintTests
{
    private static RequestFingerprint Of(string method, string path, string canonicalBody) =>
        RequestFingerprint.Compute(method, path, Encoding.UTF8.GetBytes(canonicalBody));

    [Fact]
    public void The_fingerprint_is_64_hex_digits_and_deterministic()
    {
        var a = Of("POST", "/api/v1/redemptions", """{"code":"AB23"}""");

        Assert.Matches("^[0-9a-f]{64}$", a.Value);
        Assert.Equal(a, Of("post", "/api/v1/redemptions", """{"code":"AB23"}"""));
        Assert.Equal(a, RequestFingerprint.FromStored(a.Value));
    }

    [Fact]
    public void Method_path_and_body_each_change_it()
    {
        var a = Of("POST", "/api/v1/redemptions", """{"code":"AB23"}""");

        Assert.NotEqual(a, Of("PUT", "/api/v1/redemptions", """{"code":"AB23"}"""));
        Assert.NotEqual(a, Of("POST", "/api/v1/redemptions/validate", """{"code":"AB23"}"""));
        Assert.NotEqual(a, Of("POST", "/api/v1/redemptions", """{"code":"AB24"}"""));
        // The separator keeps "path + body" from being ambiguous.
        Assert.NotEqual(Of("POST", "/a\n{", "}"), Of("POST", "/a", "{\n}"));
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000X")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    public void A_stored_value_must_be_a_fingerprint(string stored)
    {
        Assert.Throws<FormatException>(() => RequestFingerprint.FromStored(stored));
    }
}

public class IdempotencyPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly IdempotencyOptions _options = new();
    private static readonly RequestFingerprint First = RequestFingerprint.Compute("POST", "/r", "{\"a\":1}"u8);
    private static readonly RequestFingerprint Other = RequestFingerprint.Compute("POST", "/r", "{\"a\":2}"u8);

    private IdempotencyRecord Claimed()
    {
        Assert.True(IdempotencyKey.TryCreate("key-1", out var key));
        var now = _time.GetUtcNow();
        return new IdempotencyRecord
        {
            TenantId = "tnt_a", Key = key.Value, Fingerprint = First.Value, State = IdempotencyRecordState.InFlight,
            CreatedAt = now, LockedUntil = now + _options.InFlightLease, ExpiresAt = now + _options.Retention,
        };
    }

    private IdempotencyRecord Completed() => Claimed() with
    {
        State = IdempotencyRecordState.Completed,
        Answer = new IdempotentAnswer(IdempotentAnswer.Succeeded, "application/json", "{\"id\":\"red_1\"}"),
    };

    [Fact]
    public void A_new_key_proceeds()
    {
        Assert.Equal(IdempotencyDecision.Proceed, IdempotencyPolicy.Decide(null, First, _time.GetUtcNow()));
    }

    [Fact]
    public void A_claim_holds_for_the_lease_and_lives_for_24_hours()
    {
        var claim = Claimed();

        Assert.Equal(IdempotencyRecordState.InFlight, claim.State);
        Assert.Equal(_time.GetUtcNow().AddSeconds(30), claim.LockedUntil);
        Assert.Equal(_time.GetUtcNow().AddHours(24), claim.ExpiresAt);
        Assert.Equal(First.Value, claim.Fingerprint);
    }

    [Fact]
    public void The_same_request_while_the_first_runs_is_in_flight()
    {
        var claim = Claimed();
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal(IdempotencyDecision.InFlight, IdempotencyPolicy.Decide(claim, First, _time.GetUtcNow()));
    }

    [Fact]
    public void Another_request_with_the_key_is_a_reused_key_while_running_and_after()
    {
        Assert.Equal(IdempotencyDecision.KeyReused, IdempotencyPolicy.Decide(Claimed(), Other, _time.GetUtcNow()));
        Assert.Equal(IdempotencyDecision.KeyReused, IdempotencyPolicy.Decide(Completed(), Other, _time.GetUtcNow()));
    }

    [Fact]
    public void A_finished_request_is_replayed_for_24_hours_then_forgotten()
    {
        var record = Completed();
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromTicks(1));
        Assert.Equal(IdempotencyDecision.Replay, IdempotencyPolicy.Decide(record, First, _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(IdempotencyDecision.Proceed, IdempotencyPolicy.Decide(record, First, _time.GetUtcNow()));
        Assert.Equal(IdempotencyDecision.Proceed, IdempotencyPolicy.Decide(record, Other, _time.GetUtcNow()));
    }

    [Fact]
    public void A_claim_abandoned_past_its_lease_is_taken_over()
    {
        var claim = Claimed();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(IdempotencyDecision.Proceed, IdempotencyPolicy.Decide(claim, First, _time.GetUtcNow()));
    }

    [Fact]
    public void Retention_follows_the_options()
    {
        _options.Retention = TimeSpan.FromDays(7);
        Assert.True(IdempotencyKey.TryCreate("key-1", out var key));
        var answer = new IdempotentAnswer(FailureCodes.NotFound, "application/problem+json", "{}");
        var record = IdempotencyPolicy.Completed("tnt_a", key, First, answer, _time.GetUtcNow(), _options);

        Assert.Equal((_time.GetUtcNow().AddDays(7), IdempotencyRecordState.Completed, answer), (record.ExpiresAt, record.State, record.Answer));
    }

    [Fact]
    public void An_answer_is_an_outcome_code_and_a_payload_with_no_status()
    {
        var answer = new IdempotentAnswer(IdempotentAnswer.Succeeded, "application/json", "{}");
        Assert.True(answer.IsSuccess);
        Assert.False((answer with { OutcomeCode = FailureCodes.TotalLimitReached }).IsSuccess);
        Assert.DoesNotContain(typeof(IdempotentAnswer).GetProperties(), p => p.PropertyType == typeof(int));
    }
}
