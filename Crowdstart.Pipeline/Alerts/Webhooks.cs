using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crowdstart.Pipeline.Alerts;

/// <summary>
/// Creators' outbound webhooks: one URL per hook, a secret shown once at creation, and the delivery log.
/// </summary>
public sealed class WebhookStore(IDbContextFactory<CrowdstartDbContext> contexts, CampaignAccess access, AuditLog audit, IOptions<AlertOptions> options,
    TimeProvider time, ICampaignLinks? links = null)
{
    /// <summary>The event of a test message.</summary>
    public const string TestEvent = "webhook.test";

    public async Task<List<WebhookInfo>> ListAsync(Actor actor, Guid campaignId, CancellationToken ct = default)
    {
        await RequireAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hooks = await db.AlertWebhooks.AsNoTracking().Where(w => w.CampaignId == campaignId && w.DeletedAt == null).OrderBy(w => w.CreatedAt).ToListAsync(ct);
        return hooks.ConvertAll(h => WebhookInfo.From(h, withSecret: false));
    }

    /// <summary>
    /// Adds a webhook in <paramref name="format"/> (<see cref="WebhookFormats"/>; JSON when none is given); returns it
    /// with its secret, the only time the secret is shown.
    /// </summary>
    public async Task<WebhookInfo> CreateAsync(Actor actor, Guid campaignId, string url, string? format = null, CancellationToken ct = default)
    {
        await RequireAsync(actor, campaignId, ct);
        var kind = WebhookFormats.Parse(format)
            ?? throw new DomainValidationException(nameof(format), $"The format must be one of {string.Join(", ", WebhookFormats.All)}.");
        var target = await ValidateUrlAsync(url, options.Value.AllowPrivateWebhookTargets, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hook = new AlertWebhook
        {
            Id = Guid.NewGuid(),
            CampaignId = campaignId,
            Url = target.ToString(),
            CreatedAt = time.GetUtcNow(),
            CreatedByUserId = actor.AuditUserId,
            Secret = "whsec_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(),
            Format = kind,
        };
        db.AlertWebhooks.Add(hook);
        audit.Add(db, actor, AuditActions.WebhookCreated, campaignId, details: $"{Redact(hook.Url)} ({kind})");
        await db.SaveChangesAsync(ct);
        return WebhookInfo.From(hook, withSecret: true);
    }

    /// <summary>Removes a webhook (idempotent: removing a removed webhook of the campaign changes nothing); 404 for another campaign's.</summary>
    public async Task DeleteAsync(Actor actor, Guid campaignId, Guid webhookId, CancellationToken ct = default)
    {
        await RequireAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hook = await db.AlertWebhooks.FirstOrDefaultAsync(w => w.Id == webhookId && w.CampaignId == campaignId, ct)
            ?? throw new NotFoundException("Unknown webhook.");
        if (hook.DeletedAt is not null)
        {
            return;
        }
        hook.DeletedAt = time.GetUtcNow();
        audit.Add(db, actor, AuditActions.WebhookDeleted, campaignId, details: Redact(hook.Url));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Queues a test message to one webhook, due now: a sample alert in the webhook's format (event <c>webhook.test</c>),
    /// so a creator sees in the channel what an alert will look like and in the delivery log whether it arrived.
    /// </summary>
    public async Task<long> SendTestAsync(Actor actor, Guid campaignId, Guid webhookId, CancellationToken ct = default)
    {
        await RequireAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hook = await db.AlertWebhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == webhookId && w.CampaignId == campaignId && w.DeletedAt == null, ct)
            ?? throw new NotFoundException("Unknown webhook.");
        var name = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => c.Name).FirstAsync(ct);
        var now = time.GetUtcNow();
        var sample = new AlertInfo(Guid.Empty, campaignId, DetectorKinds.CheckoutConversionDrop, "campaign", AlertStatus.Open, nameof(AlertSeverity.Warning),
            $"Test message from Crowdstart Analytics, sent by {actor.Name}: alerts of this campaign will look like this", 0.12, 0.31, 0.44, now, now,
            null, null, null, null, null);
        var payload = hook.Format == WebhookFormats.Json
            ? System.Text.Json.JsonSerializer.Serialize(new { @event = TestEvent, sentAt = now, alert = new
            {
                id = sample.Id, campaignId, detector = sample.Detector, scope = sample.Scope, status = sample.Status, severity = sample.Severity,
                message = sample.Message, value = sample.Value, baselineLow = sample.BaselineLow, baselineHigh = sample.BaselineHigh, openedAt = now,
                acknowledgedAt = (DateTimeOffset?)null, resolvedAt = (DateTimeOffset?)null, summary = sample.Message, mutedUntil = (DateTimeOffset?)null,
            } }, System.Text.Json.JsonSerializerOptions.Web)
            : ChatPayloads.Build(hook.Format, new AlertNotice(AlertNotice.Opened, sample, name, links?.CampaignPage(campaignId), now));
        var delivery = new WebhookDelivery
        {
            WebhookId = hook.Id, CampaignId = campaignId, AlertId = Guid.Empty, Event = TestEvent, Payload = payload, Status = "pending", CreatedAt = now,
            NextAttemptAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        return delivery.Id;
    }

    /// <summary>The campaign's most recent deliveries (the delivery log).</summary>
    public async Task<List<WebhookDeliveryInfo>> DeliveriesAsync(Actor actor, Guid campaignId, int take = 100, CancellationToken ct = default)
    {
        await RequireAsync(actor, campaignId, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var deliveries = await db.WebhookDeliveries.AsNoTracking().Where(d => d.CampaignId == campaignId).OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, 500))
            .ToListAsync(ct);
        return deliveries.ConvertAll(WebhookDeliveryInfo.From);
    }

    /// <summary>
    /// A webhook URL for logs and the audit log: scheme and host only (chat webhooks carry their token in the path).
    /// </summary>
    public static string Redact(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "(invalid url)";

    /// <summary>
    /// http(s) URLs only; unless <paramref name="allowPrivate"/>, hosts that resolve to loopback, private, link-local
    /// or otherwise internal addresses are refused, so a webhook cannot probe the server's own network.
    /// </summary>
    public static async Task<Uri> ValidateUrlAsync(string? url, bool allowPrivate, CancellationToken ct = default)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host) ||
            !string.IsNullOrEmpty(uri.UserInfo) || uri.ToString().Length > 2000)
        {
            throw new DomainValidationException(nameof(url), "Give an http(s) URL without credentials, at most 2,000 characters.");
        }
        if (!allowPrivate)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.Host, ct);
            }
            catch (SocketException)
            {
                throw new DomainValidationException(nameof(url), $"The host {uri.Host} does not resolve.");
            }
            if (addresses.Length == 0 || addresses.Any(IsInternal))
            {
                throw new DomainValidationException(nameof(url), "The URL points to a loopback, private or internal address.");
            }
        }
        return uri;
    }

    /// <summary>
    /// Whether an address is loopback, private, link-local, shared, benchmark, multicast or otherwise not public.
    /// IPv6 addresses that carry an IPv4 address (mapped, translated, compatible, 6to4, Teredo, NAT64, ISATAP) are
    /// judged by every IPv4 address inside them too: a gateway or tunnel relay on the path delivers to that IPv4
    /// host, so <c>2002:7f00:1::</c> reaches 127.0.0.1 as surely as <c>127.0.0.1</c> does. Both the URL check and
    /// the connection (<c>ConnectCallback</c>) use this, so it holds for DNS answers as well as literals.
    /// </summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsInternalIPv4(address.GetAddressBytes());
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }
        var v6 = address.GetAddressBytes();
        // The local-use NAT64 prefix (RFC 8215) is operator-defined: where its IPv4 sits depends on the prefix length
        // the operator picked, so it cannot be judged by what is inside; it is internal by definition anyway.
        if (v6[0] == 0 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4] == 0 && v6[5] == 1)
        {
            return true;
        }
        if (EmbeddedIPv4s(v6).Any(IsInternalIPv4))
        {
            return true;
        }
        return address.IsIPv6Multicast || v6[0] == 0xff || IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal ||
               address.IsIPv6UniqueLocal || address.Equals(IPAddress.IPv6Any) ||
               // Discard-only 100::/64 and documentation 2001:db8::/32.
               (v6[0] == 0x01 && v6[1] == 0 && v6[2..8].All(b => b == 0)) ||
               (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8);
    }

    /// <summary>Every IPv4 address an IPv6 address carries, by the standard embeddings.</summary>
    private static IEnumerable<byte[]> EmbeddedIPv4s(byte[] v6)
    {
        var last32 = v6[12..];
        // ::a.b.c.d (compatible, deprecated), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated, SIIT).
        // :: and ::1 come out as 0.0.0.0 and 0.0.0.1, which are internal, as they should be.
        if (v6[..10].All(b => b == 0) && ((v6[10] == 0 && v6[11] == 0) || (v6[10] == 0xff && v6[11] == 0xff)) || IsIPv4Translated(v6))
        {
            yield return last32;
        }
        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
        if (v6[0] == 0 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].All(b => b == 0))
        {
            yield return last32;
        }
        // 6to4 2002:AABB:CCDD::/48 (RFC 3056).
        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            yield return v6[2..6];
        }
        // Teredo 2001:0::/32 (RFC 4380): the server's IPv4 in bits 32-63, the client's inverted in the last 32.
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0)
        {
            yield return v6[4..8];
            yield return [.. last32.Select(b => (byte)~b)];
        }
        // ISATAP interface id (RFC 5214): 0000:5efe:a.b.c.d, or 0200:5efe:a.b.c.d with the universal bit, any prefix.
        if ((v6[8] & 0xfd) == 0 && v6[9] == 0 && v6[10] == 0x5e && v6[11] == 0xfe)
        {
            yield return last32;
        }
    }

    private static bool IsIPv4Translated(byte[] v6) => v6[..8].All(b => b == 0) && v6[8] == 0xff && v6[9] == 0xff && v6[10] == 0 && v6[11] == 0;

    private static bool IsInternalIPv4(byte[] b) =>
        b[0] is 0 or 10 or 127 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
        (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || (b[0] == 198 && b[1] is 18 or 19) || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) ||
        (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113) || b[0] >= 224;

    private async Task RequireAsync(Actor actor, Guid campaignId, CancellationToken ct)
    {
        if (!await access.CanManageAsync(actor, campaignId, ct))
        {
            throw new AccessDeniedException("You cannot manage this campaign's webhooks.");
        }
    }

    /// <summary>
    /// The signature header value: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>. Receivers
    /// recompute it and compare in constant time, and refuse old timestamps to stop replays.
    /// </summary>
    public static string Sign(string secret, long unixSeconds, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixSeconds}.{body}"));
        return $"t={unixSeconds},v1={Convert.ToHexString(mac).ToLowerInvariant()}";
    }
}

