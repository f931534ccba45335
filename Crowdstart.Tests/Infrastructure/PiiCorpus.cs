using System.Text.Json.Nodes;
using Npgsql;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>
/// Events carrying personal data in every place a client could put it, and a scan of a whole database for that data.
/// </summary>
public static class PiiCorpus
{
    /// <summary>The personal values planted in the corpus; none may be stored anywhere.</summary>
    public static readonly string[] Needles =
    [
        "jane.doe@example.com", "4915123456789", "4111111111111111", "5500000000000004", "203.0.113.45", "192.168.1.20",
        "2001:db8::8a2e:370:7334", "DE89370400440532013000", "Jane Doe", "Main Street 12", "5551234567", "378282246310005",
    ];

    /// <summary>Digit-only needles are also searched with every non-digit removed from the stored text.</summary>
    private static bool IsDigits(string s) => s.All(char.IsAsciiDigit);

    /// <summary>A valid event with one field changed or added; each carries personal data.</summary>
    public static IReadOnlyList<(string Where, JsonObject Event)> Events(Guid campaignId)
    {
        JsonObject Base(string type = "page_view") => new()
        {
            ["eventId"] = Guid.NewGuid().ToString(), ["type"] = type, ["campaignId"] = campaignId.ToString(),
            ["customerId"] = "c-" + Guid.NewGuid().ToString("N")[..10], ["sessionId"] = "s-" + Guid.NewGuid().ToString("N")[..10],
            ["occurredAt"] = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O"), ["source"] = "direct",
        };
        JsonObject With(string field, JsonNode? value, string type = "page_view")
        {
            var e = Base(type);
            e[field] = value;
            return e;
        }
        JsonObject Prop(string key, JsonNode? value, string type = "page_view") => With("properties", new JsonObject { [key] = value }, type);
        return
        [
            ("customerId email", With("customerId", "jane.doe@example.com")),
            ("customerId phone", With("customerId", "+4915123456789")),
            ("customerId grouped card", With("customerId", "5500-0000-0000-0004")),
            ("sessionId grouped card", With("sessionId", "5500-0000-0000-0004")),
            ("source with grouped card", With("source", "referral:5500-0000-0000-0004")),
            ("sessionId dotted phone", With("sessionId", "555.123.4567")),
            ("customerId card", With("customerId", "4111111111111111")),
            ("customerId ip", With("customerId", "192.168.1.20")),
            ("sessionId phone", With("sessionId", "0151-2345-6789")),
            ("sessionId email", With("sessionId", "jane.doe@example.com")),
            ("top-level email", With("email", "jane.doe@example.com")),
            ("top-level ip", With("ip", "203.0.113.45")),
            ("source with email", With("source", "referral:jane.doe@example.com")),
            ("source with ip", With("source", "referral:203.0.113.45")),
            ("source with card", With("source", "referral:4111111111111111")),
            ("customerId prefixed card", With("customerId", "c4111111111111111")),
            ("property date then card", Prop("variant", "2026-01-01 5500 0000 0000 0004")),
            ("property phone in e-notation", Prop("variant", JsonNode.Parse("4915123456789e0"))),
            ("property email", Prop("variant", "contact jane.doe@example.com")),
            ("property phone", Prop("page", "call +49 151 2345 6789")),
            ("property us phone", Prop("variant", "(555) 123-4567")),
            ("property card", Prop("variant", "4111 1111 1111 1111")),
            ("property card dashes", Prop("page", "5500-0000-0000-0004")),
            ("property amex", Prop("variant", "378282246310005")),
            ("property ipv4", Prop("device", "from 203.0.113.45")),
            ("property ipv6", Prop("device", "2001:db8::8a2e:370:7334")),
            ("property iban", Prop("variant", "DE89 3704 0044 0532 0130 00")),
            ("property phone as number", Prop("variant", 4915123456789)),
            ("property key email", Prop("email", "anything")),
            ("property key name", Prop("name", "Jane Doe")),
            ("property key address", Prop("address", "Main Street 12")),
            ("property key phone", Prop("phone", "5551234567")),
            ("pledge property card", Prop("payment", "4111111111111111", "reward_view")),
        ];
    }

    /// <summary>Every (table.column, needle) where personal data of the corpus is stored in <paramref name="dataSource"/>'s database.</summary>
    public static async Task<List<string>> ScanAsync(NpgsqlDataSource dataSource)
    {
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = dataSource.CreateCommand(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')
            """))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.Contains(columns, c => c.Table == "event_log" && c.Column == "properties");
        var hits = new List<string>();
        foreach (var (table, column) in columns)
        {
            foreach (var needle in Needles)
            {
                // Compare without the separators people write numbers with, so "4111 1111 …" matches "4111111111111111".
                var expression = IsDigits(needle)
                    ? $"regexp_replace(\"{column}\"::text, '[^0-9]', '', 'g')"
                    : $"regexp_replace(\"{column}\"::text, '\\s', '', 'g')";
                await using var cmd = dataSource.CreateCommand($"SELECT count(*) FROM \"{table}\" WHERE strpos(lower({expression}), lower(@n)) > 0");
                cmd.Parameters.AddWithValue("n", string.Concat(needle.Where(c => !char.IsWhiteSpace(c))));
                if ((long)(await cmd.ExecuteScalarAsync())! > 0)
                {
                    hits.Add($"{table}.{column}: {needle}");
                }
            }
        }
        return hits;
    }
}
