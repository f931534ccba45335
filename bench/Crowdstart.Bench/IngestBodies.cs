using Crowdstart.Pipeline.Events;

/// <summary>
/// Request bodies for the ingest load generator, made cheap to produce so the generator does not steal the
/// server's CPU on a 2-core machine: each worker builds a few templates once (random customers, sessions and
/// types) and per request only writes fresh eventIds and the current time into fixed-width slots.
/// </summary>
internal sealed class IngestBodies
{
    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    private readonly List<(byte[] Body, int[] Ids, int[] Times)> _templates = [];
    private int _next;

    public IngestBodies(Guid campaign, int batch, int seed, int templates = 8)
    {
        var random = new Random(seed);
        for (var t = 0; t < templates; t++)
        {
            var stream = new MemoryStream();
            var ids = new List<int>(batch);
            var times = new List<int>(batch);
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream))
            {
                writer.WriteStartArray();
                for (var i = 0; i < batch; i++)
                {
                    writer.WriteStartObject();
                    writer.Flush();
                    ids.Add((int)stream.Length + "\"eventId\":\"".Length);
                    writer.WriteString("eventId", Guid.Empty);
                    writer.WriteString("type", EventTypes.All[random.Next(5)]); // no money events: same row shape as COPY
                    writer.WriteString("campaignId", campaign);
                    writer.WriteString("customerId", $"c-{random.Next(200_000)}");
                    writer.WriteString("sessionId", $"s-{random.Next(1_000_000)}");
                    writer.Flush();
                    times.Add((int)stream.Length + ",\"occurredAt\":\"".Length);
                    writer.WriteString("occurredAt", new string('0', TimeFormat.Length));
                    writer.WriteString("source", "social:reddit");
                    writer.WriteStartObject("properties");
                    writer.WriteString("reward", "early_bird");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            _templates.Add((stream.ToArray(), ids.ToArray(), times.ToArray()));
        }
    }

    /// <summary>A JSON request body for the ingest API.</summary>
    public static ByteArrayContent Content(byte[] body) =>
        new(body) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") } };

    /// <summary>A fresh body: new eventIds, occurredAt = now. The returned array is reused by the next call.</summary>
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
