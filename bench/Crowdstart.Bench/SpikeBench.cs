using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

/// <summary>
/// Benchmark 5, spike: steady load, then ten times that load for the burst, then steady again, with the pipeline
/// running. The generator paces batches to the offered rate from up to <c>workers</c> concurrent requests and
/// honours 429/503 <c>Retry-After</c> (it waits, then resends the same batch). Every second it records accepted
/// events, refusals, the app's resident memory and the pipeline lag from <c>/readyz</c>; afterwards it reports
/// how long the lag took to return to steady-state level after the burst.
/// </summary>
static class SpikeBench
{
    public static async Task RunAsync(Uri app, string key, Guid campaign, int appPid, int steadyRate, int multiplier,
        int beforeSeconds, int burstSeconds, int maxAfterSeconds, int batch, int workers)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = workers }) { BaseAddress = app, Timeout = TimeSpan.FromSeconds(60) };
        var burstRate = (double)steadyRate * multiplier;
        double burstStart = beforeSeconds, burstEnd = beforeSeconds + burstSeconds;
        // Time at which the offered load reaches `events` (the inverse of the cumulative rate profile).
        double DueAt(double events)
        {
            var beforeBurst = steadyRate * burstStart;
            if (events <= beforeBurst) return events / steadyRate;
            var throughBurst = beforeBurst + burstRate * burstSeconds;
            if (events <= throughBurst) return burstStart + (events - beforeBurst) / burstRate;
            return burstEnd + (events - throughBurst) / steadyRate;
        }

        // Events offered by time t (the cumulative rate profile).
        double OfferedBy(double t) => t <= burstStart ? steadyRate * t
            : t <= burstEnd ? steadyRate * burstStart + burstRate * (t - burstStart)
            : steadyRate * burstStart + burstRate * burstSeconds + steadyRate * (t - burstEnd);

        long scheduled = 0, accepted = 0, refused = 0;
        var clock = Stopwatch.StartNew();
        var stopSending = new CancellationTokenSource();
        var bodies = Enumerable.Range(0, workers).Select(w => new IngestBodies(campaign, batch, seed: 1000 + w)).ToArray();
        var refusalStatuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var missingRetryAfter = 0;

        async Task Worker(int w)
        {
            while (!stopSending.IsCancellationRequested)
            {
                var slot = Interlocked.Increment(ref scheduled) - 1;
                var due = DueAt((double)slot * batch);
                var wait = due - clock.Elapsed.TotalSeconds;
                if (wait > 0)
                {
                    try { await Task.Delay(TimeSpan.FromSeconds(wait), stopSending.Token); } catch (OperationCanceledException) { return; }
                }
                var body = bodies[w].Next().ToArray();
                while (!stopSending.IsCancellationRequested)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/events") { Content = IngestBodies.Content(body) };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                    using var response = await client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    if (status == 202)
                    {
                        Interlocked.Add(ref accepted, batch);
                        break;
                    }
                    if (status is not (429 or 503))
                    {
                        throw new InvalidOperationException($"ingest answered {status}: {await response.Content.ReadAsStringAsync()}");
                    }
                    Interlocked.Increment(ref refused);
                    refusalStatuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    var retryAfter = response.Headers.RetryAfter?.Delta;
                    if (retryAfter is null)
                    {
                        Interlocked.Increment(ref missingRetryAfter);
                    }
                    try { await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(1), stopSending.Token); } catch (OperationCanceledException) { return; }
                }
            }
        }

        using var probe = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(5) };
        async Task<(long Events, double OldestSeconds)> LagAsync()
        {
            try
            {
                using var response = await probe.GetAsync("readyz");
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                foreach (var check in doc.RootElement.GetProperty("checks").EnumerateObject())
                {
                    if (check.Value.GetProperty("data") is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("lag_events", out var events))
                    {
                        return (events.GetInt64(), data.GetProperty("oldest_unprocessed_seconds").GetDouble());
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
            }
            return (-1, -1);
        }

        var senders = Enumerable.Range(0, workers).Select(w => Task.Run(() => Worker(w))).ToArray();
        Console.WriteLine($"steady {steadyRate:N0} events/s, burst {burstRate:N0} events/s from t={burstStart:0} s to t={burstEnd:0} s; batches of {batch}, up to {workers} requests in flight");
        Console.WriteLine("   t  phase   offered/s  accepted/s  refused  client backlog  RSS MiB  lag events  oldest s");
        long lastAccepted = 0, lastRefused = 0, peakRss = 0, peakLag = 0, peakBacklog = 0;
        double peakOldest = 0, recoveredAt = -1, steadyOldest = 0;
        var steadySamples = new List<double>();
        for (var second = 1; ; second++)
        {
            var next = TimeSpan.FromSeconds(second) - clock.Elapsed;
            if (next > TimeSpan.Zero) await Task.Delay(next);
            var t = clock.Elapsed.TotalSeconds;
            var rss = RssMiB(appPid);
            var (lag, oldest) = await LagAsync();
            var a = Interlocked.Read(ref accepted);
            var r = Interlocked.Read(ref refused);
            var phase = t <= burstStart ? "steady" : t <= burstEnd ? "BURST" : "after";
            var offered = t <= burstStart || t > burstEnd + 1 ? steadyRate : burstRate;
            // Offered but not yet accepted: what the clients still hold because the server was slow or said "retry later".
            var backlog = Math.Max(0, (long)OfferedBy(t) - a);
            Console.WriteLine($"{second,4}  {phase,-6} {offered,10:N0} {a - lastAccepted,11:N0} {r - lastRefused,8:N0} {backlog,15:N0} {rss,8:N0} {lag,11:N0} {oldest,9:0.0}");
            peakBacklog = Math.Max(peakBacklog, backlog);
            lastAccepted = a;
            lastRefused = r;
            peakRss = Math.Max(peakRss, rss);
            peakLag = Math.Max(peakLag, lag);
            peakOldest = Math.Max(peakOldest, oldest);
            if (phase == "steady" && t > burstStart / 2 && oldest >= 0)
            {
                steadySamples.Add(oldest);
            }
            if (phase == "after")
            {
                steadyOldest = steadySamples.Count == 0 ? 0 : steadySamples.Max();
                // Recovered: the clients hold less than a second of load, and the oldest unprocessed event is no older
                // than under steady load (at least 5 s, the lag probe's period).
                if (backlog <= steadyRate && oldest >= 0 && oldest <= Math.Max(5, steadyOldest) && recoveredAt < 0)
                {
                    recoveredAt = t;
                }
                if (recoveredAt >= 0 && t - recoveredAt >= 5 || t - burstEnd >= maxAfterSeconds)
                {
                    break;
                }
            }
        }
        stopSending.Cancel();
        await Task.WhenAll(senders);
        Console.WriteLine($"spike_accepted={accepted} spike_refused={refused} refusals_by_status={string.Join(",", refusalStatuses.Select(kv => $"{kv.Key}:{kv.Value}"))} " +
            $"refusals_without_retry_after={missingRetryAfter} peak_client_backlog={peakBacklog} peak_rss_mib={peakRss} peak_lag_events={peakLag} peak_oldest_s={peakOldest:0.0} " +
            $"steady_oldest_s={steadyOldest:0.0} recovery_s={(recoveredAt < 0 ? "not within " + maxAfterSeconds : (recoveredAt - burstEnd).ToString("0"))}");
    }

    private static long RssMiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
            }
        }
        return -1;
    }
}
