// Ingest baseline benchmark. Modes:
//   setup --db CS                                   create a campaign + ingest key, print "campaignId key"
//   http  --url U --key K --campaign C [--seconds 20] [--concurrency 4] [--batch 500]
//   copy  --db CS --campaign C --events N [--batch 5000]
//   spike --url U --key K --campaign C --app-pid PID [--rate 2000] [--multiplier 10] [--before 30] [--burst 60] [--after 300]
//                                                   steady load, a 10x burst, steady again: memory, refusals, lag, recovery
//   jspub --url NATS_URLS [--replicas 1] [--seconds 20] [--concurrency 4] [--batch 1000]
//                                                   JetStream's own rate for ingest's payloads (the appender, no HTTP)
//   pipeline --db CS [--events 1000000] [--rate 5000] [--seconds 30] [--engine postgres|jetstream --nats URLS --replicas 1]
//                                                   catch-up of a backlog through the processors (on JetStream: also the sink
//                                                   into event_log), commit → checkpoint freshness, dashboard reads
//   hubfresh --db CS --url U --email E --password P [--rate 5000] [--seconds 60] [--label L]
//                                                   202 → campaign hub snapshot under steady HTTP load, on the app's engine
//   forecast --db CS --url U [--campaigns 2000] [--seed 18] [--train 0.7] [--concurrency 4] [--svg docs/images/forecast-calibration.svg]
//            [--reuse true] [--neighbours 25] [--progress-weight 1] [--traffic-weight 1] [--growth-weight 0.5] [--conversion-weight 0.5]
//                                                   the forecaster's evaluation on a simulated corpus posted through the API
//   naive --db CS --campaign C [--seconds 10] [--concurrency 4]   one INSERT + commit per event (a simple collector)
//   explore --db CS [--events 10000000] [--runs 20] [--load true] [--parallel-workers 0]
//                                                   10 typical ad-hoc queries over N raw events, p50/p95 + EXPLAIN
//   fanout --db CS --url U --email E --password P --app-pid PID [--subscribers 1000] [--probes 30] [--rate 0]
//                                                   N hub subscribers on one campaign: push latency, app memory
//   outage --db CS --url U --key K --campaign C [--seconds 60]   load through a PostgreSQL stop/start (scripts/fault-db-outage.sh)
//   privacy --db CS [--events 1000000]             validator + PII scan throughput, access-check latency, retention sweep
//   abuse --db CS --url U --email E --password P [--events 1000000] [--seconds 60] [--rate 1000] [--parallel 50]
//                                                   ingest latency of one campaign while another account floods the explorer
//   dashboard --db CS --url U --email E --password P --app-pid PID [--events 2000000] [--rate 5000] [--seconds 60] [--pages 100]
//                                                   initial load, commit → hub latency under load, memory per open page
//   live-alerts --db CS --url U [--runs 5] [--visitors 60] [--variant mid|launch] [--timeout-minutes 10] [--lead 120] [--chromium /usr/bin/chromium]
//                                                   checkout outage injected into live demo-like traffic: onset → alert row, onset → banner in Chromium
//   browser --db CS --url U [--visitors 120] [--history-hours 26] [--seconds 60] [--warmup 15] [--ranges live,24h] [--chromium /usr/bin/chromium] [--trace PREFIX]
//                                                   the campaign page's main-thread busy share and long tasks in Chromium under live demo-like traffic
// `http` is the load generator (its own process, loopback); `copy` is the engine's limit: binary COPY of
// rows of the same shape into the same event_log table, with no HTTP, validation or dedupe.
using System.Diagnostics;

var mode = args.FirstOrDefault() ?? "";
string Arg(string name, string? fallback = null) =>
    args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault() ?? fallback ?? throw new ArgumentException($"--{name} is required");

switch (mode)
{
    case "setup":
        await IngestBench.Setup(Arg("db"));
        break;
    case "http":
        await IngestBench.Http(new Uri(Arg("url")), Arg("key"), Guid.Parse(Arg("campaign")), int.Parse(Arg("seconds", "20")),
            int.Parse(Arg("concurrency", "4")), int.Parse(Arg("batch", "500")), bool.Parse(Arg("segment", "false")));
        break;
    case "spike":
        await SpikeBench.RunAsync(new Uri(Arg("url")), Arg("key"), Guid.Parse(Arg("campaign")), int.Parse(Arg("app-pid")),
            int.Parse(Arg("rate", "2000")), int.Parse(Arg("multiplier", "10")), int.Parse(Arg("before", "30")), int.Parse(Arg("burst", "60")),
            int.Parse(Arg("after", "300")), int.Parse(Arg("batch", "100")), int.Parse(Arg("workers", "48")));
        break;
    case "naive":
        await IngestBench.Naive(Arg("db"), Guid.Parse(Arg("campaign")), int.Parse(Arg("seconds", "10")), int.Parse(Arg("concurrency", "4")),
            int.Parse(Arg("partitions", "8")));
        break;
    case "copy":
        await IngestBench.Copy(Arg("db"), Guid.Parse(Arg("campaign")), int.Parse(Arg("events")), int.Parse(Arg("batch", "5000")),
            int.Parse(Arg("partitions", "8")), Arg("bare", "false") == "true");
        break;
    case "jspub":
        await JetStreamBench.RunAsync(Arg("url"), int.Parse(Arg("replicas", "1")), int.Parse(Arg("seconds", "20")), int.Parse(Arg("concurrency", "4")),
            int.Parse(Arg("batch", "1000")), int.Parse(Arg("partitions", "8")));
        break;
    case "pipeline":
        await PipelineBench.RunAsync(Arg("db"), int.Parse(Arg("events", "1000000")), int.Parse(Arg("rate", "5000")),
            int.Parse(Arg("seconds", "30")), int.Parse(Arg("partitions", "8")), Arg("engine", "postgres"), Arg("nats", ""), int.Parse(Arg("replicas", "1")));
        break;
    case "forecast":
        await ForecastBench.RunAsync(Arg("db"), new Uri(Arg("url")), int.Parse(Arg("campaigns", "2000")), int.Parse(Arg("seed", "18")),
            double.Parse(Arg("train", "0.7"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg("concurrency", "4")),
            Arg("svg", "docs/images/forecast-calibration.svg"), Arg("reuse", "false") == "true", new Crowdstart.Pipeline.Forecast.ForecastSettings
            {
                Neighbours = int.Parse(Arg("neighbours", "25")),
                ProgressWeight = double.Parse(Arg("progress-weight", "1"), System.Globalization.CultureInfo.InvariantCulture),
                TrafficWeight = double.Parse(Arg("traffic-weight", "1"), System.Globalization.CultureInfo.InvariantCulture),
                GrowthWeight = double.Parse(Arg("growth-weight", "0.5"), System.Globalization.CultureInfo.InvariantCulture),
                ConversionWeight = double.Parse(Arg("conversion-weight", "0.5"), System.Globalization.CultureInfo.InvariantCulture),
            });
        break;
    case "hubfresh":
        await HubFreshnessBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("rate", "5000")),
            int.Parse(Arg("seconds", "60")), Arg("label", "app"));
        break;
    case "alerts":
    {
        var sw = Stopwatch.StartNew();
        var report = Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.Run(int.Parse(Arg("seeds", "5")), double.Parse(Arg("hours", "24"), System.Globalization.CultureInfo.InvariantCulture));
        Console.Write(report.ToTable());
        foreach (var line in report.Misses.Take(20)) Console.WriteLine("miss: " + line);
        foreach (var line in report.FalseAlertSamples) Console.WriteLine("false: " + line);
        Console.WriteLine($"suite_seconds={sw.Elapsed.TotalSeconds:F1}");
        Console.WriteLine("Delay by volume (steady traffic, incident 1.5 h after launch):");
        var volumes = new double[] { 20, 60, 200, 600, 2000 };
        var byVolume = new (string Label, Crowdstart.Pipeline.Alerts.Conditions Incident, string[] Detectors)[]
        {
            ("silent -50 % conversion", new(CheckoutBreakage: 0.5, ReportedFailureShare: 0),
                [Crowdstart.Pipeline.Alerts.DetectorKinds.CheckoutConversionDrop, Crowdstart.Pipeline.Alerts.DetectorKinds.VisitConversionDrop, Crowdstart.Pipeline.Alerts.DetectorKinds.RevenueStall]),
            ("checkout outage", new(CheckoutBreakage: 0.6),
                [Crowdstart.Pipeline.Alerts.DetectorKinds.CheckoutConversionDrop, Crowdstart.Pipeline.Alerts.DetectorKinds.CheckoutFailureSpike, Crowdstart.Pipeline.Alerts.DetectorKinds.VisitConversionDrop, Crowdstart.Pipeline.Alerts.DetectorKinds.RevenueStall]),
            ("payment failures 7 -> 35 %", new(PaymentFailure: 0.35), [Crowdstart.Pipeline.Alerts.DetectorKinds.CheckoutFailureSpike]),
        };
        foreach (var (preset, settings) in new[] { ("normal", Crowdstart.Pipeline.Alerts.DetectorSettings.Default), ("sensitive", Crowdstart.Pipeline.Alerts.DetectorSettings.Sensitive) })
        {
            foreach (var (label, incident, detectors) in byVolume)
            {
                foreach (var row in Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.DelayByVolume(int.Parse(Arg("seeds", "5")), volumes, label, incident, detectors, settings))
                {
                    Console.WriteLine($"  {preset,-9} {row.Detector,-48} recall {row.Recall:0.00}  p50 {row.DelayP50Seconds:0} s  p90 {row.DelayP90Seconds:0} s");
                }
            }
        }
        var sensitive = Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.Run(int.Parse(Arg("seeds", "5")), double.Parse(Arg("hours", "24"), System.Globalization.CultureInfo.InvariantCulture), Crowdstart.Pipeline.Alerts.DetectorSettings.Sensitive);
        Console.WriteLine("sensitive preset:");
        Console.Write(sensitive.ToTable());
        var calm = Crowdstart.Tests.Alerts.Scenarios.ScenarioSuite.Run(int.Parse(Arg("seeds", "5")), double.Parse(Arg("hours", "24"), System.Globalization.CultureInfo.InvariantCulture), Crowdstart.Pipeline.Alerts.DetectorSettings.Calm);
        Console.WriteLine("calm preset:");
        Console.Write(calm.ToTable());
        break;
    }
    case "live-alerts":
        return await LiveAlertBench.RunAsync(Arg("db"), new Uri(Arg("url")), int.Parse(Arg("runs", "5")),
            double.Parse(Arg("visitors", "60"), System.Globalization.CultureInfo.InvariantCulture), Arg("variant", "mid"), int.Parse(Arg("timeout-minutes", "10")),
            int.Parse(Arg("lead", "120")), Arg("chromium", "/usr/bin/chromium"));
    case "browser":
        return await BrowserBench.RunAsync(Arg("db"), new Uri(Arg("url")), double.Parse(Arg("visitors", "120"), System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(Arg("history-hours", "26"), System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg("seconds", "60")), int.Parse(Arg("warmup", "15")),
            Arg("ranges", "live,24h").Split(','), Arg("chromium", "/usr/bin/chromium"),
            args.Contains("--trace") ? Arg("trace") : null);
    case "dashboard":
        await DashboardBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("events", "2000000")),
            int.Parse(Arg("rate", "5000")), int.Parse(Arg("seconds", "60")), int.Parse(Arg("pages", "100")), int.Parse(Arg("app-pid")),
            Arg("chromium", "/usr/bin/chromium"));
        break;
    case "explore":
        await ExploreBench.RunAsync(Arg("db"), int.Parse(Arg("events", "10000000")), int.Parse(Arg("runs", "20")), Arg("load", "false") == "true",
            int.Parse(Arg("parallel-workers", "0")));
        break;
    case "fanout":
        await FanoutBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("app-pid")),
            int.Parse(Arg("subscribers", "1000")), int.Parse(Arg("probes", "30")), int.Parse(Arg("rate", "0")));
        break;
    case "outage":
        return await OutageBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("key"), Guid.Parse(Arg("campaign")), int.Parse(Arg("seconds", "60")));
    case "abuse":
        await AbuseBench.RunAsync(Arg("db"), new Uri(Arg("url")), Arg("email"), Arg("password"), int.Parse(Arg("events", "1000000")),
            int.Parse(Arg("seconds", "60")), int.Parse(Arg("rate", "1000")), int.Parse(Arg("parallel", "50")));
        break;
    case "privacy":
        await PrivacyBench.RunAsync(Arg("db"), int.Parse(Arg("events", "1000000")), int.Parse(Arg("partitions", "8")));
        break;
    default:
        Console.Error.WriteLine("usage: Crowdstart.Bench setup|http|copy|pipeline|privacy ... (see scripts/bench-*.sh)");
        return 2;
}
return 0;
