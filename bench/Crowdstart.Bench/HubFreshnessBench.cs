using System.Diagnostics;
using Crowdstart.Pipeline.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

/// <summary>
/// Freshness as a viewer sees it, on whichever log engine the running app uses: under a steady background load
/// posted through the ingest API, the time from a probe pledge's 202 to the first snapshot of the campaign hub's
/// stream (a signed-in SignalR client) that counts it. No backlog and no browser (see <see cref="DashboardBench"/>
/// for those), so both engines can be measured the same way in one run.
/// </summary>
static class HubFreshnessBench
{
    public static async Task RunAsync(string connectionString, Uri app, string email, string password, int rate, int seconds, string label)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new DbContextOptionsBuilder<CrowdstartDbContext>().UseNpgsql(dataSource).Options;
        var store = new CampaignStore(new Factory(options), TimeProvider.System);
        var org = await store.EnsureOrganisationAsync("bench", "Benchmarks");
        var now = DateTimeOffset.UtcNow;
        var probe = await store.CreateCampaignAsync(org, "fresh-probe-" + Guid.NewGuid().ToString("N")[..6], "Probe", "EUR", 10_000m, now.AddHours(-1));
        var load = await store.CreateCampaignAsync(org, "fresh-load-" + Guid.NewGuid().ToString("N")[..6], "Background load", "EUR", 10_000m, now.AddHours(-1));
        var probeKey = await store.CreateIngestKeyAsync(probe.Id, "bench");
        var loadKey = await store.CreateIngestKeyAsync(load.Id, "bench");
        var cookies = await DashboardBench.SignInAsync(app, email, password);

        using var stop = new CancellationTokenSource();
        long loadAccepted = 0;
        var loadTask = DashboardBench.BackgroundLoadAsync(app, loadKey, load.Id, rate, c => Interlocked.Add(ref loadAccepted, c), stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(5)); // the load reaches its pace
        var measuredFrom = Interlocked.Read(ref loadAccepted);
        var clock = Stopwatch.StartNew();
        var latencies = await DashboardBench.ProbeHubAsync(app, cookies, probeKey, probe.Id, seconds, stop.Token);
        var achieved = (Interlocked.Read(ref loadAccepted) - measuredFrom) / clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await loadTask.ContinueWith(_ => { });
        var sorted = latencies.Order().ToArray();
        double P(double q) => DashboardBench.Percentile(sorted, q);
        Console.WriteLine($"hub_freshness log={label} rate_target={rate} load_accepted_per_s={achieved:F0} probes={sorted.Length} " +
            $"p50_ms={P(0.5):F0} p95_ms={P(0.95):F0} p99_ms={P(0.99):F0} max_ms={sorted[^1]:F0}");
    }
}
