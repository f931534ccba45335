using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crowdstart.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdstart.Tests.Ingestion;

/// <summary>
/// A generated corpus of 1,300 bad ingest requests against the running app: every answer is a 4xx that says what was
/// wrong, never a 5xx; the app stays healthy; nothing of it is stored — no event, no personal data.
/// </summary>
[Layer(TestLayer.App)]
[Collection(AppCollection.Name)]
public class IngestFuzzTests(AppFixture app)
{
    private const int Count = 1_300;

    /// <summary>One bad request: what it is (for failure messages), its body bytes, content type and key.</summary>
    private sealed record Input(string What, byte[] Body, string? ContentType, string? Key);

    private static JsonObject Valid(Guid campaign, Random random) => new()
    {
        ["eventId"] = Guid.NewGuid().ToString(),
        ["type"] = "pledge_completed",
        ["campaignId"] = campaign.ToString(),
        ["customerId"] = "fz-" + random.Next(1_000_000),
        ["sessionId"] = "fs-" + random.Next(1_000_000),
        ["occurredAt"] = DateTimeOffset.UtcNow.AddSeconds(-random.Next(1, 600)).ToString("O"),
        ["source"] = "direct",
        ["amount"] = 25,
        ["currency"] = "EUR",
    };

    private static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonNode WrongType(Random random) => random.Next(6) switch
    {
        0 => JsonValue.Create(random.Next())!,
        1 => JsonValue.Create(random.Next(2) == 0)!,
        2 => new JsonArray(1, "two", 3),
        3 => new JsonObject { ["nested"] = "object" },
        4 => JsonValue.Create(3.14)!,
        _ => JsonValue.Create("")!,
    };

    private static IEnumerable<Input> Corpus(Guid campaign, string key, string revokedKey, int seed)
    {
        var random = new Random(seed);
        string[] fields = ["eventId", "type", "campaignId", "customerId", "sessionId", "occurredAt", "source", "amount", "currency", "properties"];
        string[] required = ["eventId", "type", "campaignId", "customerId", "sessionId", "occurredAt", "source"];
        var pii = PiiCorpus.Events(campaign);
        for (var i = 0; i < Count; i++)
        {
            var e = Valid(campaign, random);
            switch (i % 13)
            {
                case 0: // broken JSON: cut short or with garbage inside
                {
                    var text = "[" + e.ToJsonString() + "]";
                    var broken = random.Next(2) == 0
                        ? text[..random.Next(1, text.Length - 1)]
                        : text.Insert(random.Next(1, text.Length - 1), new string("{[\",:}]\\"[random.Next(8)], random.Next(1, 4)));
                    yield return new($"broken JSON: {broken[..Math.Min(60, broken.Length)]}", Encoding.UTF8.GetBytes(broken), "application/json", key);
                    break;
                }
                case 1: // a field of the wrong type
                {
                    var field = fields[random.Next(fields.Length)];
                    e[field] = WrongType(random);
                    while (field == "amount" && e[field] is JsonValue v && (v.TryGetValue<int>(out _) || v.TryGetValue<double>(out _)))
                    {
                        e[field] = WrongType(random); // a number is the right type for an amount
                    }
                    if (field == "properties" && e[field] is JsonObject)
                    {
                        e[field] = JsonValue.Create("not an object");
                    }
                    yield return new($"wrong type for {field}", Utf8(new JsonArray(e)), "application/json", key);
                    break;
                }
                case 2: // required fields missing
                {
                    var missing = required.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
                    missing.ForEach(f => e.Remove(f));
                    yield return new($"missing {string.Join(", ", missing)}", Utf8(new JsonArray(e)), "application/json", key);
                    break;
                }
                case 3: // huge strings
                {
                    var field = new[] { "customerId", "sessionId", "source", "type", "currency" }[random.Next(5)];
                    e[field] = new string((char)('a' + random.Next(26)), random.Next(10_000, 300_000));
                    yield return new($"huge {field}", Utf8(new JsonArray(e)), "application/json", key);
                    break;
                }
                case 4: // huge, negative or over-precise amounts
                {
                    var literal = new[] { "1e308", "-1e308", "1e400", "-25", "123456789012345678901234567890", "0.0000000000001", "1e-400", "99999999999999999.99" }[random.Next(8)];
                    var text = "[" + e.ToJsonString().Replace("\"amount\":25", "\"amount\":" + literal, StringComparison.Ordinal) + "]";
                    yield return new($"amount {literal}", Encoding.UTF8.GetBytes(text), "application/json", key);
                    break;
                }
                case 5: // deep nesting
                {
                    var depth = random.Next(40, 3000);
                    var text = "[" + e.ToJsonString().TrimEnd('}') + ",\"properties\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}]";
                    yield return new($"properties nested {depth} deep", Encoding.UTF8.GetBytes(text), "application/json", key);
                    break;
                }
                case 6: // invalid UTF-8 inside a string
                {
                    var text = Utf8(new JsonArray(e));
                    var at = Array.IndexOf(text, (byte)'f', 2); // inside "fz-…" or "fs-…"
                    var bad = new[] { new byte[] { 0xC3, 0x28 }, [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80] }[random.Next(5)];
                    var body = text.Take(at).Concat(bad).Concat(text.Skip(at)).ToArray();
                    yield return new($"invalid UTF-8 {Convert.ToHexString(bad)}", body, "application/json", key);
                    break;
                }
                case 7: // wrong content type
                {
                    var type = new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "image/png", null }[random.Next(6)];
                    yield return new($"content type {type ?? "(none)"}", Utf8(new JsonArray(e)), type, key);
                    break;
                }
                case 8: // oversized body or batch, or nothing at all
                {
                    var kind = random.Next(10);
                    if (kind == 0)
                    {
                        e["customerId"] = new string('x', 1_200_000);
                        yield return new("body over 1 MiB", Utf8(new JsonArray(e)), "application/json", key);
                    }
                    else if (kind == 1)
                    {
                        var batch = new JsonArray([.. Enumerable.Range(0, 1_001).Select(_ => (JsonNode)Valid(campaign, random))]);
                        yield return new("batch of 1,001 events", Utf8(batch), "application/json", key);
                    }
                    else
                    {
                        var body = new[] { "", "[]", "{}", "null", "0", "\"text\"", "[null]", "[[]]", "[1,2,3]", "{\"events\":[]}" }[random.Next(10)];
                        yield return new($"empty or non-event body {body}", Encoding.UTF8.GetBytes(body), "application/json", key);
                    }
                    break;
                }
                case 9: // NaN and infinities
                {
                    var literal = new[] { "NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"25\"" }[random.Next(7)];
                    var text = "[" + e.ToJsonString().Replace("\"amount\":25", "\"amount\":" + literal, StringComparison.Ordinal) + "]";
                    yield return new($"amount {literal}", Encoding.UTF8.GetBytes(text), "application/json", key);
                    break;
                }
                case 10: // dates far away or not dates
                {
                    var at = new[]
                    {
                        "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
                        DateTimeOffset.UtcNow.AddYears(-3).ToString("O"), "2026-13-45T25:61:00Z", "yesterday", "2026-11-26 12:00:00", "",
                    }[random.Next(9)];
                    e["occurredAt"] = at;
                    yield return new($"occurredAt {at}", Utf8(new JsonArray(e)), "application/json", key);
                    break;
                }
                case 11: // someone else's campaign, wrong or revoked key
                {
                    var kind = random.Next(4);
                    if (kind == 0)
                    {
                        e["campaignId"] = Guid.NewGuid().ToString();
                    }
                    var used = kind switch { 1 => "cs_live_" + Guid.NewGuid().ToString("N"), 2 => revokedKey, 3 => null, _ => key };
                    yield return new($"campaign/key case {kind}", Utf8(new JsonArray(e)), "application/json", used);
                    break;
                }
                default: // personal data in every field
                {
                    var (where, node) = pii[random.Next(pii.Count)];
                    var copy = JsonNode.Parse(node.ToJsonString())!;
                    copy["eventId"] = Guid.NewGuid().ToString();
                    yield return new($"PII: {where}", Utf8(new JsonArray(copy)), "application/json", key);
                    break;
                }
            }
        }
    }

    [Fact]
    public async Task Ingest_GeneratedBadInputs_Every4xxSaysWhyNothingStoredAppHealthy()
    {
        // Arrange: a campaign of its own, its key, and a revoked key
        var (campaign, key) = await app.CreateCampaignAsync(name: "Fuzz lamp");
        var revoked = await app.Database.Campaigns.CreateIngestKeyAsync(campaign, "revoked");
        await app.Database.Campaigns.RevokeKeyAsync(revoked);
        await Task.Delay(TimeSpan.FromSeconds(6)); // the key cache (5 s) forgets the revoked key
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();

        // Act
        var inputs = Corpus(campaign, key, revoked, seed: 20261126).ToList();
        foreach (var input in inputs)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = new ByteArrayContent(input.Body) };
            if (input.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(input.ContentType);
            }
            if (input.Key is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", input.Key);
            }
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (HttpRequestException) when (input.Body.Length > 1_048_576)
            {
                // The server may close the connection on an oversized upload once it has answered 413.
                statuses[413] = statuses.GetValueOrDefault(413) + 1;
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var text = await response.Content.ReadAsStringAsync();
                if (status is < 400 or >= 500)
                {
                    failures.Add($"{input.What}: {status} {text[..Math.Min(200, text.Length)]}");
                    continue;
                }
                // A reason people can act on: a ProblemDetails detail, or each rejected event's field and reason.
                using var problem = JsonDocument.Parse(text);
                var root = problem.RootElement;
                var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
                var rejected = root.TryGetProperty("rejected", out var r) && r.ValueKind == JsonValueKind.Array
                    ? r.EnumerateArray().Where(x => x.GetProperty("field").GetString() is { Length: > 0 } && x.GetProperty("reason").GetString() is { Length: > 0 }).Count()
                    : 0;
                if (string.IsNullOrWhiteSpace(detail) && rejected == 0)
                {
                    failures.Add($"{input.What}: {status} without a reason: {text[..Math.Min(200, text.Length)]}");
                }
            }
        }

        // Assert: every answer a 4xx with its reason; the app healthy; nothing stored
        Assert.True(inputs.Count >= 1_000);
        Assert.True(failures.Count == 0, $"{failures.Count} of {inputs.Count} inputs answered wrongly:\n" + string.Join("\n", failures.Take(30)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
        Assert.Empty(await PiiCorpus.ScanAsync(app.Database.DataSource));
        // The corpus reached every kind of refusal, not just one.
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 5, "statuses seen: " + string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}")));
    }

    /// <summary>A bad Segment request: the route, its body and the write key sent as Basic auth (or in the body).</summary>
    private sealed record SegmentInput(string What, string Route, byte[] Body, string? ContentType, string? BasicKey);

    private static JsonObject SegmentMessage(Random random) => new()
    {
        ["type"] = "track",
        ["event"] = "Order Completed",
        ["userId"] = "sf-" + random.Next(1_000_000),
        ["messageId"] = Guid.NewGuid().ToString(),
        ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(-random.Next(1, 600)).ToString("O"),
        ["properties"] = new JsonObject { ["total"] = 25, ["currency"] = "EUR" },
    };

    private static IEnumerable<SegmentInput> SegmentCorpus(string key, int seed)
    {
        var random = new Random(seed);
        string[] detectable = ["jane.doe@example.com", "4111111111111111", "203.0.113.45", "DE89370400440532013000", "+49 151 23456789"];
        // What our own API refuses as a customer id (an IBAN passes for an opaque id there too; see the report).
        string[] detectableIds = ["jane.doe@example.com", "4111111111111111", "203.0.113.45", "+49 151 23456789"];
        for (var i = 0; i < 400; i++)
        {
            var m = SegmentMessage(random);
            JsonNode Batch(params JsonNode[] messages) => new JsonObject { ["batch"] = new JsonArray(messages), ["sentAt"] = DateTimeOffset.UtcNow.ToString("O") };
            switch (i % 10)
            {
                case 0: // broken JSON
                {
                    var text = Batch(m).ToJsonString();
                    var broken = text[..random.Next(1, text.Length - 1)];
                    yield return new($"broken JSON {broken[..Math.Min(40, broken.Length)]}", "v1/batch", Encoding.UTF8.GetBytes(broken), "application/json", key);
                    break;
                }
                case 1: // the body or the batch of the wrong shape
                {
                    var body = new[] { "[]", "null", "42", "\"batch\"", "{\"batch\":{}}", "{\"batch\":\"x\"}", "{}", "{\"batch\":null}" }[random.Next(8)];
                    yield return new($"body {body}", "v1/batch", Encoding.UTF8.GetBytes(body), "application/json", key);
                    break;
                }
                case 2: // a field of the wrong type
                {
                    var field = new[] { "type", "event", "userId", "anonymousId", "timestamp", "sentAt", "properties", "context", "messageId" }[random.Next(9)];
                    m[field] = WrongType(random);
                    if (field is "userId" or "anonymousId" && m[field] is JsonValue)
                    {
                        m[field] = new JsonObject { ["id"] = 1 };
                    }
                    if (field == "anonymousId")
                    {
                        m.Remove("userId"); // else the userId alone names the customer: a good event
                    }
                    if (field == "messageId" || (field == "properties" && m[field] is JsonObject) || field == "context")
                    {
                        m["properties"] = new JsonObject { ["total"] = "NaN", ["currency"] = 3 }; // still a bad event
                    }
                    yield return new($"wrong type for {field}", "v1/batch", Utf8(Batch(m)), "application/json", key);
                    break;
                }
                case 3: // personal data where ids, names, sources and properties go
                {
                    var needle = detectable[random.Next(detectable.Length)];
                    var where = random.Next(4);
                    switch (where)
                    {
                        case 0: m["userId"] = detectableIds[random.Next(detectableIds.Length)]; break;
                        case 1: m["event"] = "Order Completed " + needle; break;
                        case 2: m["properties"]!["product_id"] = needle; break;
                        default:
                            m["context"] = new JsonObject { ["campaign"] = new JsonObject { ["source"] = needle, ["medium"] = "referral" } };
                            m["properties"]!["total"] = -1;
                            break;
                    }
                    yield return new($"PII in place {where}", "v1/batch", Utf8(Batch(m)), "application/json", key);
                    break;
                }
                case 4: // missing what a track call needs, or an unknown call
                {
                    var kind = random.Next(4);
                    if (kind == 0) { m.Remove("userId"); }
                    else if (kind == 1) { m.Remove("event"); }
                    else if (kind == 2) { m["type"] = "purchase"; }
                    else { m.Remove("type"); }
                    yield return new($"incomplete {kind}", "v1/batch", Utf8(Batch(m)), "application/json", key);
                    break;
                }
                case 5: // money Segment clients get wrong
                {
                    var literal = new[] { "1e308", "-5", "0", "0.001", "\"25\"", "NaN", "123456789012345678901234567890" }[random.Next(7)];
                    var text = Batch(m).ToJsonString().Replace("\"total\":25", "\"total\":" + literal, StringComparison.Ordinal);
                    if (random.Next(2) == 0)
                    {
                        text = text.Replace("\"currency\":\"EUR\"", "\"currency\":\"USD\"", StringComparison.Ordinal);
                    }
                    yield return new($"total {literal}", "v1/batch", Encoding.UTF8.GetBytes(text), "application/json", key);
                    break;
                }
                case 6: // sizes: one message over 32 KB, a request over 500 KB, deep nesting
                {
                    var kind = random.Next(3);
                    if (kind == 0)
                    {
                        m["properties"]!["note"] = new string('n', 33_000);
                        yield return new("message over 32 KB", "v1/batch", Utf8(Batch(m)), "application/json", key);
                    }
                    else if (kind == 1)
                    {
                        m["properties"]!["note"] = new string('n', 520_000);
                        yield return new("request over 500 KB", "v1/track", Utf8(m), "application/json", key);
                    }
                    else
                    {
                        var depth = random.Next(40, 2000);
                        var text = "{\"batch\":[{\"type\":\"track\",\"properties\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}]}";
                        yield return new($"nested {depth}", "v1/batch", Encoding.UTF8.GetBytes(text), "application/json", key);
                    }
                    break;
                }
                case 7: // dates
                {
                    m["timestamp"] = new[] { "yesterday", "2026-13-45T25:61:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "" }[random.Next(6)];
                    yield return new($"timestamp {m["timestamp"]}", random.Next(2) == 0 ? "v1/batch" : "v1/track",
                        Utf8(random.Next(2) == 0 ? Batch(m) : m), "application/json", key);
                    break;
                }
                case 8: // content types, invalid UTF-8
                {
                    if (random.Next(2) == 0)
                    {
                        var type = new[] { "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", null }[random.Next(4)];
                        yield return new($"content type {type ?? "(none)"}", "v1/batch", Utf8(Batch(m)), type, key);
                    }
                    else
                    {
                        var text = Utf8(Batch(m));
                        var at = Array.IndexOf(text, (byte)'s', 12);
                        var body = text.Take(at).Concat(new byte[] { 0xC3, 0x28 }).Concat(text.Skip(at)).ToArray();
                        yield return new("invalid UTF-8", "v1/batch", body, "application/json", key);
                    }
                    break;
                }
                default: // single calls with bad content, the key in the body
                {
                    var route = new[] { "v1/track", "v1/page" }[random.Next(2)];
                    m.Remove("type");
                    m["writeKey"] = key;
                    m["userId"] = detectableIds[random.Next(detectableIds.Length)];
                    yield return new($"{route} with PII id", route, Utf8(m), "application/json", null);
                    break;
                }
            }
        }
        // A few wrong keys: the throttle counts them per address for the whole collection.
        yield return new("no key", "v1/batch", Utf8(new JsonObject { ["batch"] = new JsonArray(SegmentMessage(random)) }), "application/json", null);
        yield return new("unknown key", "v1/batch", Utf8(new JsonObject { ["batch"] = new JsonArray(SegmentMessage(random)) }), "application/json",
            "cs_live_" + Guid.NewGuid().ToString("N"));
    }

    [Fact]
    public async Task Segment_GeneratedBadInputs_Every200ListsItsRejectionOr4xxNothingStored()
    {
        // Arrange
        var (campaign, key) = await app.CreateCampaignAsync(name: "Segment fuzz lamp");
        var activity = app.Services.GetRequiredService<Crowdstart.Pipeline.Ingestion.IngestActivity>();
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var inputs = SegmentCorpus(key, seed: 20261206).ToList();

        // Act
        foreach (var input in inputs)
        {
            var before = await app.Database.ScalarAsync<long>($"SELECT coalesce(max(id), 0) FROM ingest_rejections WHERE campaign_id = '{campaign}'");
            using var request = new HttpRequestMessage(HttpMethod.Post, input.Route) { Content = new ByteArrayContent(input.Body) };
            if (input.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(input.ContentType);
            }
            if (input.BasicKey is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(input.BasicKey + ":")));
            }
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var text = await response.Content.ReadAsStringAsync();
            if (status == 200)
            {
                // Segment's answer for a request it took: the refusal must be on the keys page.
                await activity.FlushAsync();
                var after = await app.Database.ScalarAsync<long>($"SELECT coalesce(max(id), 0) FROM ingest_rejections WHERE campaign_id = '{campaign}'");
                if (after <= before)
                {
                    failures.Add($"{input.What}: 200 without a listed rejection");
                }
            }
            else if (status is < 400 or >= 500)
            {
                failures.Add($"{input.What}: {status} {text[..Math.Min(200, text.Length)]}");
            }
            else if (!text.Contains("\"detail\"", StringComparison.Ordinal))
            {
                failures.Add($"{input.What}: {status} without a reason: {text[..Math.Min(200, text.Length)]}");
            }
        }

        // Assert: 200 with the rejection listed, or a 4xx with its reason; the app healthy; nothing stored
        Assert.True(failures.Count == 0, $"{failures.Count} of {inputs.Count} inputs answered wrongly:\n" + string.Join("\n", failures.Take(30)));
        Assert.True(statuses.GetValueOrDefault(200) > 100 && statuses.Keys.Count(s => s is >= 400 and < 500) >= 2,
            "statuses seen: " + string.Join(", ", statuses.Select(kv => $"{kv.Key}×{kv.Value}")));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("healthz")).StatusCode);
        Assert.Equal(0L, await app.Database.ScalarAsync<long>($"SELECT count(*) FROM event_log WHERE campaign_id = '{campaign}'"));
        Assert.Empty(await PiiCorpus.ScanAsync(app.Database.DataSource));
        Assert.Equal(0L, await app.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM ingest_rejections WHERE campaign_id = '{campaign}' AND (event_name LIKE '%@%' OR event_name LIKE '%4111%' OR reason LIKE '%203.0.113%')"));
    }
}
