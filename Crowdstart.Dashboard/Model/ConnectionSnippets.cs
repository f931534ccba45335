using System.Globalization;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// The ready-to-paste set-up of a campaign's ingest keys page: a curl call of our API, a curl call of the Segment
/// batch endpoint, and the official Segment Node client pointed at this app. Plain text, shown as text.
/// </summary>
/// <param name="EventsCurl">curl of <c>POST /api/v1/events</c> with one page view.</param>
/// <param name="SegmentCurl">curl of <c>POST /v1/batch</c> with one Order Completed.</param>
/// <param name="Node">@segment/analytics-node with <c>host</c> set to this app.</param>
public sealed record ConnectionSnippets(string EventsCurl, string SegmentCurl, string Node)
{
    /// <summary>What the snippets say where the key goes when no key was just created (keys are shown once).</summary>
    public const string KeyPlaceholder = "<your ingest key>";

    /// <summary>The snippets for <paramref name="campaignId"/> at <paramref name="baseUrl"/>, with <paramref name="key"/> or the placeholder.</summary>
    public static ConnectionSnippets For(string baseUrl, Guid campaignId, string? key)
    {
        var host = baseUrl.TrimEnd('/');
        var k = string.IsNullOrEmpty(key) ? KeyPlaceholder : key;
        var events = $$"""
            curl -s {{host}}/api/v1/events \
              -H "Authorization: Bearer {{k}}" -H "Content-Type: application/json" \
              -d "[{\"eventId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"type\":\"page_view\",
                    \"campaignId\":\"{{campaignId}}\",\"customerId\":\"c-42\",\"sessionId\":\"s-1\",
                    \"occurredAt\":\"$(date -u +%FT%TZ)\",\"source\":\"direct\"}]"
            """;
        var segment = $$$"""
            curl -s {{{host}}}/v1/batch -u "{{{k}}}:" -H "Content-Type: application/json" \
              -d "{\"batch\":[{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"c-42\",
                    \"messageId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"timestamp\":\"$(date -u +%FT%TZ)\",
                    \"properties\":{\"total\":49,\"currency\":\"EUR\",\"product_id\":\"early_bird\"}}]}"
            """;
        var node = $$"""
            import { Analytics } from '@segment/analytics-node'   // npm i @segment/analytics-node
            const analytics = new Analytics({ writeKey: '{{k}}', host: '{{host}}' })
            analytics.track({ userId: 'c-42', event: 'Order Completed',
              properties: { total: 49, currency: 'EUR', product_id: 'early_bird' } })
            await analytics.closeAndFlush()
            """;
        return new ConnectionSnippets(events, segment, node);
    }

    /// <summary>"never", "12 s ago", "5 min ago", "3 h ago" or the date, for a last-event time.</summary>
    public static string Ago(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } t)
        {
            return "never";
        }
        var age = now - t;
        return age.TotalSeconds switch
        {
            < 1 => "just now",
            < 60 => $"{(int)age.TotalSeconds} s ago",
            < 3600 => $"{(int)age.TotalMinutes} min ago",
            < 86_400 => $"{(int)age.TotalHours} h ago",
            _ => t.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " UTC",
        };
    }

    /// <summary>Whether revoking a key needs a confirmation: it brought events within the last hour.</summary>
    public static bool RecentlyUsed(DateTimeOffset? lastEventAt, DateTimeOffset now) => lastEventAt is { } t && now - t < TimeSpan.FromHours(1);
}
