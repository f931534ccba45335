/// <summary>
/// Request bodies for the Segment endpoint's load generator (<c>POST /v1/batch</c>): the same funnel mix as
/// <see cref="IngestBodies"/> (page views, Product Viewed, Product Added, Checkout Started; no money events), written
/// the way <c>@segment/analytics-node</c> writes them (messageId, timestamp, context.campaign, sentAt), with fresh
/// messageIds and times put into fixed-width slots per request so the generator stays cheap.
/// </summary>
internal sealed class SegmentBodies
{
    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    private static readonly string[] Events = ["Product Viewed", "Product Added", "Checkout Started"];
    private readonly List<(byte[] Body, int[] Ids, int[] Times)> _templates = [];
    private int _next;

    public SegmentBodies(int batch, int seed, int templates = 8)
    {
        var random = new Random(seed);
        for (var t = 0; t < templates; t++)
        {
            var stream = new MemoryStream();
            var ids = new List<int>(batch);
            var times = new List<int>(batch + 1);
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("batch");
                for (var i = 0; i < batch; i++)
                {
                    writer.WriteStartObject();
                    var kind = random.Next(4);
                    writer.WriteString("type", kind == 0 ? "page" : "track");
                    if (kind > 0)
                    {
                        writer.WriteString("event", Events[kind - 1]);
                    }
                    writer.WriteString("userId", $"c-{random.Next(200_000)}");
                    writer.Flush();
                    ids.Add((int)stream.Length + ",\"messageId\":\"".Length);
                    writer.WriteString("messageId", Guid.Empty);
                    writer.Flush();
                    times.Add((int)stream.Length + ",\"timestamp\":\"".Length);
                    writer.WriteString("timestamp", new string('0', TimeFormat.Length));
                    writer.WriteStartObject("context");
                    writer.WriteStartObject("campaign");
                    writer.WriteString("source", "reddit");
                    writer.WriteString("medium", "social");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    writer.WriteStartObject("properties");
                    writer.WriteString("product_id", "early_bird");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.Flush();
                times.Add((int)stream.Length + ",\"sentAt\":\"".Length);
                writer.WriteString("sentAt", new string('0', TimeFormat.Length));
                writer.WriteEndObject();
            }
            _templates.Add((stream.ToArray(), ids.ToArray(), times.ToArray()));
        }
    }

    /// <summary>A fresh body: new messageIds, timestamp = sentAt = now. The returned array is reused by the next call.</summary>
    public byte[] Next()
    {
        var (body, ids, times) = _templates[_next++ % _templates.Count];
        var span = body.AsSpan();
        foreach (var at in ids)
        {
            Guid.NewGuid().TryFormat(span[at..], out _, "D");
        }
        Span<byte> now = stackalloc byte[TimeFormat.Length];
        DateTime.UtcNow.TryFormat(now, out _, TimeFormat, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var at in times)
        {
            now.CopyTo(span[at..]);
        }
        return body;
    }
}
