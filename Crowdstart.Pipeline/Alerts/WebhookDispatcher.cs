using System.Diagnostics;
using System.Text;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Delivers queued webhook events: JSON POST with <c>X-Crowdstart-Signature</c>, <c>X-Crowdstart-Event</c> and
/// <c>X-Crowdstart-Delivery</c> headers; any 2xx counts as delivered; otherwise retried with exponential backoff
/// until <see cref="AlertOptions.WebhookMaxAttempts"/>, every attempt recorded in the delivery log.
/// </summary>
public sealed class WebhookDispatcher(IDbContextFactory<CrowdstartDbContext> contexts, IHttpClientFactory httpClients, IOptions<AlertOptions> options,
    TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>Name of the HttpClient used for deliveries (no redirects: a 3xx must not send the payload elsewhere).</summary>
    public const string HttpClientName = "crowdstart-webhooks";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await DeliverDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Webhook delivery round failed; retrying");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Attempts every delivery that is due; returns how many were attempted.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        List<long> claimed;
        // Claim due deliveries under SKIP LOCKED and lease them past the attempt's timeout, so several app instances
        // (or a slow round overlapping the next) never POST the same delivery twice.
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            claimed = await db.Database.SqlQuery<long>(
                $"SELECT d.id AS \"Value\" FROM webhook_deliveries d JOIN alert_webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt_at <= {now} AND w.deleted_at IS NULL ORDER BY d.id LIMIT 50 FOR UPDATE OF d SKIP LOCKED")
                .ToListAsync(ct);
            var lease = now + TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds * 2 + 5);
            await db.WebhookDeliveries.Where(d => claimed.Contains(d.Id)).ExecuteUpdateAsync(u => u.SetProperty(d => d.NextAttemptAt, lease), ct);
            await tx.CommitAsync(ct);
        }
        var due = await (from d in db.WebhookDeliveries
                         join w in db.AlertWebhooks on d.WebhookId equals w.Id
                         where claimed.Contains(d.Id)
                         orderby d.Id
                         select new { Delivery = d, w.Url, w.Secret }).ToListAsync(ct);
        // Different webhooks in parallel (a slow receiver must not hold up everyone else's), one at a time per webhook.
        await Parallel.ForEachAsync(due.GroupBy(x => x.Url), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (group, token) =>
        {
            foreach (var item in group)
            {
                await AttemptAsync(item.Delivery, item.Url, item.Secret, token);
            }
        });
        await db.SaveChangesAsync(ct);
        return due.Count;
    }

    private async Task AttemptAsync(WebhookDelivery delivery, string url, string secret, CancellationToken ct)
    {
        var o = options.Value;
        delivery.Attempts++;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            // The target is re-checked at every attempt: DNS may have changed since the hook was created.
            await WebhookStore.ValidateUrlAsync(url, o.AllowPrivateWebhookTargets, ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Crowdstart-Event", delivery.Event);
            request.Headers.Add("X-Crowdstart-Delivery", delivery.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("X-Crowdstart-Signature", WebhookStore.Sign(secret, time.GetUtcNow().ToUnixTimeSeconds(), delivery.Payload));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(o.WebhookTimeoutSeconds));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            delivery.LastStatusCode = (int)response.StatusCode;
            delivery.LastError = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or DomainValidationException && !ct.IsCancellationRequested)
        {
            delivery.LastStatusCode = null;
            delivery.LastError = ex is TaskCanceledException ? $"timed out after {o.WebhookTimeoutSeconds} s" : ex.Message;
        }
        var now = time.GetUtcNow();
        if (delivery.LastStatusCode is >= 200 and < 300)
        {
            delivery.Status = "delivered";
            delivery.DeliveredAt = now;
        }
        else if (delivery.Attempts >= o.WebhookMaxAttempts)
        {
            delivery.Status = "failed";
            logger.LogWarning("Webhook delivery {Id} to {Host} failed after {Attempts} attempts: {Error}", delivery.Id, WebhookStore.Redact(url), delivery.Attempts, delivery.LastError);
        }
        else
        {
            delivery.NextAttemptAt = now + TimeSpan.FromSeconds(o.WebhookInitialBackoffSeconds * Math.Pow(3, delivery.Attempts - 1));
        }
        logger.LogDebug("Webhook delivery {Id} attempt {Attempt}: {Status} in {Ms} ms", delivery.Id, delivery.Attempts, delivery.Status, stopwatch.ElapsedMilliseconds);
    }
}
