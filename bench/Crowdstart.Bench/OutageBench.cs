using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

/// <summary>
/// Load through a real PostgreSQL stop and start (scripts/fault-db-outage.sh stops and starts the server meanwhile):
/// 4 clients post batches for the whole run, honouring 503 Retry-After; prints the answers second by second, the
/// slowest answer (a hang would show), and afterwards checks that every acknowledged event is in the log exactly
/// once and that the pipeline drained by itself.
/// </summary>
static class OutageBench
{
    public static async Task<int> RunAsync(string connectionString, Uri app, string key, Guid campaign, int seconds)
    {
        using var client = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var acknowledged = new ConcurrentBag<Guid>();
        var perSecond = new ConcurrentDictionary<(int Second, int Status), int>();
        var slowest = 0.0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var n = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var ids = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
                var body = JsonSerializer.Serialize(ids.Select(id => new
                {
                    eventId = id, type = "page_view", campaignId = campaign, customerId = $"o-{w}-{n++ % 500}", sessionId = "os", occurredAt = DateTimeOffset.UtcNow, source = "direct",
                }), JsonSerializerOptions.Web);
                var sent = Stopwatch.GetTimestamp();
                int status;
                TimeSpan? retry = null;
                try
                {
                    using var response = await client.PostAsync("api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
                    status = (int)response.StatusCode;
                    retry = response.Headers.RetryAfter?.Delta;
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        ids.ForEach(acknowledged.Add);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    status = 0; // no answer at all
                }
                var took = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                lock (acknowledged)
                {
                    slowest = Math.Max(slowest, took);
                }
                perSecond.AddOrUpdate(((int)clock.Elapsed.TotalSeconds, status), 1, (_, c) => c + 1);
                if (status == 503)
                {
                    await Task.Delay(retry ?? TimeSpan.FromSeconds(1));
                }
            }
        })));
        foreach (var second in perSecond.Keys.Select(k => k.Second).Distinct().Order())
        {
            Console.WriteLine($"t={second,3}s " + string.Join(" ", perSecond.Where(kv => kv.Key.Second == second).OrderBy(kv => kv.Key.Status).Select(kv => $"{(kv.Key.Status == 0 ? "no-answer" : kv.Key.Status.ToString())}×{kv.Value}")));
        }
        var totals = perSecond.GroupBy(kv => kv.Key.Status).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        Console.WriteLine($"outage: answers {string.Join(", ", totals.OrderBy(t => t.Key).Select(t => $"{t.Key}×{t.Value}"))}; slowest answer {slowest:F0} ms; acknowledged {acknowledged.Count:N0} events");

        // Drain and check.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var drain = Stopwatch.StartNew();
        long lag;
        while (true)
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT coalesce(sum(p.next_offset - 1 - c.\"offset\"), 0)::bigint FROM log_partitions p JOIN partition_checkpoints c USING (partition)");
            lag = (long)(await cmd.ExecuteScalarAsync())!;
            if (lag == 0 || drain.Elapsed > TimeSpan.FromMinutes(2))
            {
                break;
            }
            await Task.Delay(500);
        }
        var stored = new HashSet<Guid>();
        var rows = 0;
        await using (var cmd = dataSource.CreateCommand("SELECT event_id FROM event_log WHERE campaign_id = @c"))
        {
            cmd.Parameters.AddWithValue("c", campaign);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add(reader.GetGuid(0));
                rows++;
            }
        }
        var missing = acknowledged.Count(id => !stored.Contains(id));
        var errors = totals.Where(t => t.Key >= 500 && t.Key != 503).Sum(t => t.Value);
        Console.WriteLine($"outage: pipeline lag {lag} after {drain.Elapsed.TotalSeconds:F1} s; stored {rows:N0} rows ({rows - stored.Count} duplicates); acknowledged but missing: {missing}; 5xx other than 503: {errors}");
        return missing == 0 && rows == stored.Count && lag == 0 && errors == 0 && !totals.ContainsKey(0) ? 0 : 1;
    }
}
