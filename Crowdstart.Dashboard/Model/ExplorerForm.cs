using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Crowdstart.Pipeline.Query;
using Crowdstart.Pipeline.Recommendations;

namespace Crowdstart.Dashboard.Model;

/// <summary>How the explorer's time range is given.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExplorerTimeMode>))]
public enum ExplorerTimeMode
{
    /// <summary>Everything the log holds.</summary>
    AllTime,
    /// <summary>The last N hours before the moment the query runs (stays relative in a shared link).</summary>
    LastHours,
    /// <summary>Hours since each campaign's launch, e.g. 0 to 1 = the first hour.</summary>
    SinceLaunch,
    /// <summary>Between two dates (UTC days, the end day included).</summary>
    Between,
}

/// <summary>
/// The explorer's query as the person builds it, and as it travels in the page's URL (<c>?q=</c>, JSON in base64url):
/// relative ranges stay relative in a shared link. <see cref="ToQuery"/> turns it into the typed
/// <see cref="ExploreQuery"/> the service validates and runs.
/// </summary>
public sealed class ExplorerForm
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>Longest URL parameter accepted (a form is a few hundred bytes; this refuses junk, not real queries).</summary>
    public const int MaxEncodedLength = 8_000;

    public List<Guid> Campaigns { get; set; } = [];
    public ExplorerTimeMode Time { get; set; } = ExplorerTimeMode.LastHours;
    public double LastHours { get; set; } = 24;
    public double FromHour { get; set; }
    public double ToHour { get; set; } = 4;
    public DateTime? FromDate { get; set; }
    public DateTime? ToDate { get; set; }
    public List<string> Types { get; set; } = [];
    public List<ExplorerFilter> Filters { get; set; } = [];
    public List<string> GroupBy { get; set; } = ["type"];
    public List<string> Measures { get; set; } = ["count"];
    public string? SortBy { get; set; }
    public bool Descending { get; set; } = true;
    public int Limit { get; set; } = 1000;

    /// <summary>
    /// The form of a recommendation's evidence query on <paramref name="campaignId"/>: its types, dimensions and measures, over
    /// the last N hours (kept relative in the link) or all time, largest first.
    /// </summary>
    public static ExplorerForm For(Guid campaignId, RecommendationQuery query) => new()
    {
        Campaigns = [campaignId],
        Time = query.LastHours is null ? ExplorerTimeMode.AllTime : ExplorerTimeMode.LastHours,
        LastHours = query.LastHours ?? 24,
        Types = [.. query.Types],
        GroupBy = [.. query.GroupBy],
        Measures = [.. query.Measures],
        // A time dimension reads best in time order (the explorer's default); otherwise the biggest groups first.
        SortBy = query.GroupBy.Any(QueryFields.TimeDimensions.Contains) ? null : query.Measures.FirstOrDefault(),
        Descending = true,
    };

    /// <summary>The typed query, with relative ranges resolved against <paramref name="now"/>.</summary>
    public ExploreQuery ToQuery(DateTimeOffset now) => new()
    {
        Campaigns = [.. Campaigns],
        Time = Time switch
        {
            ExplorerTimeMode.LastHours => new QueryTime(From: now - TimeSpan.FromHours(Math.Clamp(LastHours, 0, 24 * 400))),
            ExplorerTimeMode.SinceLaunch => new QueryTime(FromHoursSinceLaunch: FromHour, ToHoursSinceLaunch: ToHour),
            ExplorerTimeMode.Between => new QueryTime(
                From: FromDate is { } f ? new DateTimeOffset(DateTime.SpecifyKind(f.Date, DateTimeKind.Utc)) : null,
                To: ToDate is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t.Date, DateTimeKind.Utc)).AddDays(1) : null),
            _ => null,
        },
        Types = [.. Types],
        Filters = [.. Filters.Select(f => new QueryFilter(f.Field, f.Op, f.Op is "exists" or "missing" ? [] : SplitValues(f.Values)))],
        // Dimensions in the order of the list people pick from: time first, so tables and charts read naturally.
        GroupBy = [.. GroupBy.OrderBy(DimensionOrder)],
        Measures = [.. Measures],
        Sort = SortBy is { Length: > 0 } by ? new QuerySort(by, Descending) : null,
        Limit = Limit,
    };

    /// <summary>Comma-separated values; a value may contain a comma when quoted ("a, b").</summary>
    public static List<string> SplitValues(string? text)
    {
        var values = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return values;
        }
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                Add();
            }
            else
            {
                current.Append(c);
            }
        }
        Add();
        return values;

        void Add()
        {
            var value = current.ToString().Trim();
            if (value.Length > 0)
            {
                values.Add(value);
            }
            current.Clear();
        }
    }

    private static int DimensionOrder(string dimension)
    {
        var index = QueryFields.TimeDimensions.ToList().IndexOf(dimension);
        return index >= 0 ? index : 10;
    }

    /// <summary>The form as a URL parameter value.</summary>
    public string Encode() => Crowdstart.Pipeline.Storage.CampaignStore.Base64Url(JsonSerializer.SerializeToUtf8Bytes(this, Json));

    /// <summary>The form in a URL parameter, or null (with a reason) when it is not one.</summary>
    public static ExplorerForm? Decode(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (value.Length > MaxEncodedLength)
        {
            error = "The link's query is too long.";
            return null;
        }
        try
        {
            var base64 = value.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var form = JsonSerializer.Deserialize<ExplorerForm>(Convert.FromBase64String(base64), Json);
            if (form is null)
            {
                error = "The link does not hold a query.";
            }
            else
            {
                form.Campaigns ??= [];
                form.Types ??= [];
                form.Filters = [.. (form.Filters ?? []).Where(f => f is not null)];
                form.GroupBy ??= [];
                form.Measures ??= [];
            }
            return form;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            error = "The link's query could not be read; it may have been cut off.";
            return null;
        }
    }

    /// <summary>A one-line description in words, e.g. "Events by Event · Pledge · last 24 h · Aurora".</summary>
    public string Summary(Func<Guid, string> campaignName)
    {
        var parts = new List<string>
        {
            string.Join(", ", Measures.Select(m => ExplorerResultView.Header(m, null)))
                + (GroupBy.Count > 0 ? " by " + string.Join(" × ", GroupBy.OrderBy(DimensionOrder).Select(ExplorerLabels.FieldLabel)) : ""),
        };
        if (Types.Count > 0)
        {
            parts.Add(string.Join(", ", Types.Select(Services.DashboardFormatter.EventName)));
        }
        parts.AddRange(Filters.Select(f => f.Op is "exists" or "missing"
            ? $"{ExplorerLabels.FieldLabel(f.Field)} {ExplorerLabels.OperatorLabel(f.Op)}"
            : $"{ExplorerLabels.FieldLabel(f.Field)} {ExplorerLabels.OperatorLabel(f.Op)} {f.Values}"));
        parts.Add(Time switch
        {
            ExplorerTimeMode.LastHours => $"last {LastHours.ToString("0.##", CultureInfo.InvariantCulture)} h",
            ExplorerTimeMode.SinceLaunch => $"T+{FromHour.ToString("0.##", CultureInfo.InvariantCulture)} h to T+{ToHour.ToString("0.##", CultureInfo.InvariantCulture)} h",
            ExplorerTimeMode.Between => $"{FromDate:yyyy-MM-dd} to {ToDate:yyyy-MM-dd}",
            _ => "all time",
        });
        parts.Add(string.Join(", ", Campaigns.Select(campaignName)));
        var text = string.Join(" · ", parts);
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
