using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crowdstart.Pipeline.Forecast;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// Evaluation of the forecaster (scripts/bench-forecast.sh): a simulated corpus of finished campaigns posted through the
/// running app's ingest API and processed by its pipeline, split by launch date into the campaigns the forecaster learns
/// from and those it forecasts. Each test campaign is forecast as it stood at T+4 h, T+24 h, 10 % and 50 % of its
/// duration, read from the metric tables like a live one, and scored against its real final total beside the linear
/// trend projection and the majority class. Prints a Markdown table and writes the calibration chart (SVG).
/// </summary>
internal static class ForecastBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Horizon(string Label, Func<CorpusCampaign, double> Hours);

    private static readonly Horizon[] Horizons =
    [
        new("T+4 h", _ => 4),
        new("T+24 h", _ => 24),
        new("10 % of the duration", c => 0.1 * (c.EndAt - c.LaunchAt).TotalHours),
        new("50 % of the duration", c => 0.5 * (c.EndAt - c.LaunchAt).TotalHours),
    ];

    private sealed record Outcome(double Probability, decimal Projected, decimal Low, decimal High, decimal Final, decimal Goal, decimal TrendProjected)
    {
        public bool Funded => Final >= Goal;
    }

    /// <summary>A corpus campaign as the evaluation needs it: its settings and its real final net total.</summary>
    private sealed record CorpusCampaign(Guid Id, decimal Goal, DateTimeOffset LaunchAt, DateTimeOffset EndAt, decimal Final);

    public static async Task RunAsync(string db, Uri url, int count, int seed, double trainShare, int concurrency, string svg, bool reuse,
        ForecastSettings settings)
    {
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(db).Options;
        var factory = new Factory(options);
        var store = new CampaignStore(factory, TimeProvider.System);
        await using var dataSource = NpgsqlDataSource.Create(db);

        // 1. The corpus: launches spread over the past year, every campaign finished a day ago at the latest.
        var now = DateTimeOffset.UtcNow;
        var org = await store.EnsureOrganisationAsync("forecast-bench", "Forecast benchmark");
        var corpusCampaigns = reuse ? await ReadCorpusAsync(factory, dataSource, org) : [];
        if (corpusCampaigns.Count >= count)
        {
            // --reuse: the corpus of an earlier run, read back from the database (settings and real finals), to try
            // other forecaster settings in seconds instead of minutes.
            Console.WriteLine($"corpus: {corpusCampaigns.Count} campaigns of an earlier run (reused)");
        }
        else
        {
            corpusCampaigns = await SimulateAndPostAsync(store, dataSource, org, url, count, seed, concurrency, now);
        }
        await EvaluateAsync(dataSource, corpusCampaigns, trainShare, svg, settings, now);
    }

    private static async Task<List<CorpusCampaign>> ReadCorpusAsync(Factory factory, NpgsqlDataSource dataSource, Guid org)
    {
        await using var db = factory.CreateDbContext();
        var campaigns = await db.Campaigns.Where(c => c.OrganisationId == org && c.EndAt != null)
            .Select(c => new { c.Id, c.GoalAmount, c.LaunchAt, EndAt = c.EndAt!.Value }).ToListAsync();
        var finals = new Dictionary<Guid, decimal>();
        await using (var cmd = dataSource.CreateCommand("SELECT campaign_id, sum(pledged_amount - refunded_amount) FROM campaign_partition_totals GROUP BY 1"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                finals[reader.GetGuid(0)] = reader.GetDecimal(1);
            }
        }
        return campaigns.Select(c => new CorpusCampaign(c.Id, c.GoalAmount, c.LaunchAt, c.EndAt, finals.GetValueOrDefault(c.Id))).ToList();
    }

    private static async Task<List<CorpusCampaign>> SimulateAndPostAsync(CampaignStore store, NpgsqlDataSource dataSource, Guid org, Uri url, int count,
        int seed, int concurrency, DateTimeOffset now)
    {
        var simulator = new CampaignSimulator(new Random(seed));
        var spread = new Random(seed + 1);
        var campaigns = new List<(SimulatedCampaign Campaign, string Key)>(count);
        var generate = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var launch = now.AddDays(-380 + 315 * spread.NextDouble()).AddMinutes(-spread.Next(60 * 24));
            var c = simulator.Next(launch);
            // Posted months after they happened, the events are late: they count in every total the forecast reads, not in
            // the live windows (which a finished campaign no longer shows).
            await store.CreateCampaignAsync(org, "fb-" + c.Id.ToString("N")[..10], $"Simulated {i}", "EUR", c.Goal, c.LaunchAt, c.Id, endAt: c.EndAt);
            campaigns.Add((c, await store.CreateIngestKeyAsync(c.Id, "bench")));
        }
        var events = campaigns.Sum(c => c.Campaign.Events.Count);
        Console.WriteLine($"corpus: {count} campaigns, {events:N0} events, {campaigns.Count(c => c.Campaign.Final >= c.Campaign.Goal) * 100.0 / count:0.0} % funded " +
            $"(generated in {generate.Elapsed.TotalSeconds:0} s)");

        // 2. Through the API, 1,000 events a request, as a client would.
        var post = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(120) };
        var requests = campaigns.SelectMany(c => c.Campaign.Events.Chunk(1000).Select(chunk => (c.Key, Chunk: chunk))).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var r = Interlocked.Increment(ref next); r < requests.Count; r = Interlocked.Increment(ref next))
            {
                var (key, chunk) = requests[r];
                var body = JsonSerializer.Serialize(chunk.Select(Crowdstart.Pipeline.Events.IngestPayload.Of));
                for (var attempt = 0; ; attempt++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                    using var response = await http.SendAsync(request);
                    if ((int)response.StatusCode == 202)
                    {
                        break;
                    }
                    if ((int)response.StatusCode is not (503 or 429) || attempt > 50)
                    {
                        throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                    await Task.Delay(500);
                }
            }
        })));
        Console.WriteLine($"ingest: {events:N0} events in {post.Elapsed.TotalSeconds:0} s ({events / post.Elapsed.TotalSeconds:N0} events/s through HTTP)");
        var process = Stopwatch.StartNew();
        while (true)
        {
            await using var cmd = dataSource.CreateCommand(
                "SELECT coalesce(sum(p.next_offset - 1 - c.\"offset\"), 0)::bigint FROM log_partitions p JOIN partition_checkpoints c USING (partition)");
            if ((long)(await cmd.ExecuteScalarAsync())! == 0)
            {
                break;
            }
            await Task.Delay(500);
        }
        Console.WriteLine($"pipeline: caught up {process.Elapsed.TotalSeconds:0} s after the last 202");
        return campaigns.Select(c => new CorpusCampaign(c.Campaign.Id, c.Campaign.Goal, c.Campaign.LaunchAt, c.Campaign.EndAt, c.Campaign.Final)).ToList();
    }

    private static async Task EvaluateAsync(NpgsqlDataSource dataSource, List<CorpusCampaign> campaigns, double trainShare, string svg,
        ForecastSettings settings, DateTimeOffset now)
    {
        // 3. Split by launch date; the forecaster learns from the earlier campaigns' full trajectories.
        var trajectories = new TrajectoryStore(dataSource);
        var ordered = campaigns.OrderBy(c => c.LaunchAt).ThenBy(c => c.Id).ToList();
        var train = ordered.Take((int)(ordered.Count * trainShare)).ToList();
        var test = ordered.Skip(train.Count).ToList();
        var full = await trajectories.ReadAsync([.. train.Select(c => new TrajectoryRequest(c.Id, c.Goal, c.LaunchAt, c.EndAt, c.EndAt))]);
        var corpus = new ForecastCorpus(full, now);
        var forecaster = new Forecaster(settings);
        var majorityFunded = train.Count(c => c.Final >= c.Goal) * 2 >= train.Count;
        var baseRate = train.Count(c => c.Final >= c.Goal) / (double)train.Count;
        Console.WriteLine($"split: {train.Count} to learn from (launched {train[0].LaunchAt:yyyy-MM-dd} to {train[^1].LaunchAt:yyyy-MM-dd}), " +
            $"{test.Count} to forecast (from {test[0].LaunchAt:yyyy-MM-dd}); the majority class of the earlier ones: {(majorityFunded ? "funded" : "not funded")} ({baseRate:P1} funded)");

        // 4. Forecast each test campaign at each horizon, as it stood then.
        var evaluate = Stopwatch.StartNew();
        var results = new Dictionary<string, List<Outcome>>();
        foreach (var horizon in Horizons)
        {
            var partial = await trajectories.ReadAsync([.. test.Select(c => new TrajectoryRequest(c.Id, c.Goal, c.LaunchAt, c.EndAt, c.LaunchAt.AddHours(horizon.Hours(c))))]);
            results[horizon.Label] = partial.Select((t, i) =>
            {
                var c = test[i];
                var f = forecaster.Predict(t, corpus, t.LaunchAt.AddHours(t.ObservedHours));
                var trend = t.Elapsed > 0 ? (decimal)(t.Progress / t.Elapsed) * c.Goal : 0m;
                return new Outcome(f.Probability, f.ProjectedTotal, f.Low, f.High, c.Final, c.Goal, trend);
            }).ToList();
        }
        Console.WriteLine($"evaluation: {test.Count * Horizons.Length:N0} forecasts in {evaluate.Elapsed.TotalSeconds:0} s");

        // 5. The table: ours, the linear trend, the majority class, and Etter et al.'s published figures (other data).
        Console.WriteLine();
        Console.WriteLine("| Horizon | Accuracy (ours / trend / majority) | Brier (ours / trend / majority) | MAPE of the final total (ours / trend) | 80 % interval holds the final | Etter et al. 2013 accuracy (Kickstarter, other data) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var horizon in Horizons)
        {
            var r = results[horizon.Label];
            double Accuracy(Func<Outcome, bool> says) => r.Count(o => says(o) == o.Funded) / (double)r.Count;
            double Brier(Func<Outcome, double> p) => r.Average(o => Math.Pow(p(o) - (o.Funded ? 1 : 0), 2));
            double Mape(Func<Outcome, decimal> projected) => r.Where(o => o.Final > 0).Average(o => Math.Abs((double)(projected(o) - o.Final)) / (double)o.Final);
            var coverage = r.Count(o => o.Low <= o.Final && o.Final <= o.High) / (double)r.Count;
            var etter = horizon.Label switch { "T+4 h" => "> 76 %", "10 % of the duration" => "≈ 85 %", _ => "—" };
            Console.WriteLine(string.Create(Inv,
                $"| {horizon.Label} | {Accuracy(o => o.Probability >= 0.5):P1} / {Accuracy(o => o.TrendProjected >= o.Goal):P1} / {Accuracy(_ => majorityFunded):P1} " +
                $"| {Brier(o => o.Probability):0.000} / {Brier(o => o.TrendProjected >= o.Goal ? 1 : 0):0.000} / {Brier(_ => baseRate):0.000} " +
                $"| {Mape(o => o.Projected):P1} / {Mape(o => o.TrendProjected):P1} | {coverage:P1} | {etter} |"));
        }
        File.WriteAllText(svg, CalibrationSvg(results));
        Console.WriteLine();
        Console.WriteLine($"calibration chart: {svg}");
    }

    /// <summary>
    /// A reliability diagram per horizon: forecasts binned by their chance of reaching the goal (tenths), against the
    /// share of them that did; on the diagonal is perfect calibration. Dot area shows how many forecasts a bin holds.
    /// </summary>
    private static string CalibrationSvg(Dictionary<string, List<Outcome>> results)
    {
        const int W = 640, H = 560, L = 70, T = 40, S = 440;
        string X(double p) => (L + p * S).ToString("0.#", Inv);
        string Y(double p) => (T + (1 - p) * S).ToString("0.#", Inv);
        var colours = new[] { "#8b5cf6", "#0ea5e9", "#10b981", "#f59e0b" };
        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"13\">");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
        svg.Append(Inv, $"<text x=\"{L}\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"#111827\">Forecast calibration: chance of reaching the goal vs how often it happened</text>");
        for (var g = 0; g <= 10; g += 2)
        {
            var p = g / 10.0;
            svg.Append(Inv, $"<line x1=\"{X(0)}\" y1=\"{Y(p)}\" x2=\"{X(1)}\" y2=\"{Y(p)}\" stroke=\"#e5e7eb\"/><line x1=\"{X(p)}\" y1=\"{Y(0)}\" x2=\"{X(p)}\" y2=\"{Y(1)}\" stroke=\"#e5e7eb\"/>");
            svg.Append(Inv, $"<text x=\"{X(p)}\" y=\"{T + S + 18}\" text-anchor=\"middle\" fill=\"#374151\">{g * 10} %</text>");
            svg.Append(Inv, $"<text x=\"{L - 8}\" y=\"{Y(p)}\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#374151\">{g * 10} %</text>");
        }
        svg.Append(Inv, $"<line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(1)}\" stroke=\"#9ca3af\" stroke-dasharray=\"6 4\"/>");
        svg.Append(Inv, $"<text x=\"{L + S / 2}\" y=\"{T + S + 40}\" text-anchor=\"middle\" fill=\"#111827\">Forecast chance of reaching the goal</text>");
        svg.Append(Inv, $"<text transform=\"translate(18 {T + S / 2}) rotate(-90)\" text-anchor=\"middle\" fill=\"#111827\">Share that reached it</text>");
        var k = 0;
        foreach (var (label, outcomes) in results)
        {
            var colour = colours[k % colours.Length];
            var bins = outcomes.GroupBy(o => Math.Min(9, (int)(o.Probability * 10))).OrderBy(b => b.Key)
                .Select(b => (P: b.Average(o => o.Probability), F: b.Count(o => o.Funded) / (double)b.Count(), N: b.Count())).ToList();
            svg.Append(Inv, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', bins.Select(b => $"{X(b.P)},{Y(b.F)}"))}\"/>");
            foreach (var b in bins)
            {
                svg.Append(Inv, $"<circle cx=\"{X(b.P)}\" cy=\"{Y(b.F)}\" r=\"{Math.Clamp(2 + Math.Sqrt(b.N) / 2, 3, 12):0.#}\" fill=\"{colour}\" fill-opacity=\"0.6\"/>");
            }
            var coverage = outcomes.Count(o => o.Low <= o.Final && o.Final <= o.High) / (double)outcomes.Count;
            svg.Append(Inv, $"<rect x=\"{L + 10}\" y=\"{T + 10 + k * 20}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>");
            svg.Append(Inv, $"<text x=\"{L + 28}\" y=\"{T + 20 + k * 20}\" fill=\"#111827\">{label} (80 % interval holds the final {coverage:P0})</text>");
            k++;
        }
        svg.Append("</svg>");
        return svg.ToString();
    }
}
