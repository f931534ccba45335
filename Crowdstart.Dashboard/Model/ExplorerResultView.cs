using System.Globalization;
using System.Text;
using Crowdstart.Dashboard.Components.Controls;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Query;

namespace Crowdstart.Dashboard.Model;

/// <summary>A result column as shown: name in the query, header for people, and how its values read.</summary>
public sealed record ExplorerColumn(string Name, string Header, bool IsMeasure, bool IsTime, bool IsMoney);

/// <summary>What the chart of a result looks like: nothing, a line over a time dimension, or bars over categories.</summary>
public enum ExplorerChartKind { None, Line, Bar }

/// <summary>A chart for a result: options, series and a note on what was left out.</summary>
public sealed record ExplorerChart(ExplorerChartKind Kind, object? Options, IReadOnlyList<object> Series, string? Note, string AriaLabel);

/// <summary>
/// A query's answer ready for people: readable cells (campaign names, currency, UTC times, T+hours), client-side
/// sorting, CSV export, and a chart chosen from the shape of the result.
/// </summary>
public sealed class ExplorerResultView
{
    /// <summary>Most series a line chart draws (the largest); most bars a bar chart draws.</summary>
    public const int MaxLines = 8, MaxBars = 40;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private readonly IReadOnlyDictionary<Guid, string> _campaignNames;
    private readonly DashboardFormatter _format;

    public ExplorerResultView(ExploreResult result, IReadOnlyDictionary<Guid, string> campaignNames, string? currency, DashboardFormatter format)
    {
        _campaignNames = campaignNames;
        _format = format;
        Currency = currency;
        Rows = result.Rows;
        Truncated = result.Truncated;
        Elapsed = result.Elapsed;
        Columns = [.. result.Columns.Select(c => new ExplorerColumn(c.Name, Header(c.Name, currency), c.IsMeasure, c.IsTime,
            c.IsMeasure && c.Name.EndsWith("_amount", StringComparison.Ordinal)))];
    }

    public IReadOnlyList<ExplorerColumn> Columns { get; }
    public IReadOnlyList<object?[]> Rows { get; }
    public bool Truncated { get; }
    public TimeSpan Elapsed { get; }

    /// <summary>The one currency of the queried campaigns, or null when they differ (amounts then read as plain numbers).</summary>
    public string? Currency { get; }

    /// <summary>Index of the first measure column (the one charted by default).</summary>
    public int FirstMeasure => Columns.ToList().FindIndex(c => c.IsMeasure);

    /// <summary>The value as people read it.</summary>
    public string Cell(object?[] row, int column)
    {
        var value = row[column];
        var c = Columns[column];
        return value switch
        {
            null => c.IsMeasure ? "—" : "(none)",
            Guid id when c.Name == "campaign" => _campaignNames.TryGetValue(id, out var name) ? name : id.ToString(),
            DateTime t => t.ToString(c.Name == "day" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", Invariant),
            int h when c.Name == "hours_since_launch" => $"T{(h < 0 ? "−" : "+")}{Math.Abs(h)} h",
            string s when c.Name == "type" => _format.EventLabel(s),
            string s when c.Name == "source" => _format.SourceLabel(s),
            _ when c.IsMoney && Number(value) is { } m => Currency is { } cur ? _format.MoneyExact((decimal)m, cur) : m.ToString("N2", Invariant),
            long or int => Convert.ToInt64(value, Invariant).ToString("N0", Invariant),
            decimal or double or float => Convert.ToDouble(value, Invariant).ToString("N2", Invariant),
            _ => value.ToString() ?? "",
        };
    }

    /// <summary>Rows ordered by a column (numbers as numbers, times as times, nulls last).</summary>
    public IEnumerable<object?[]> Sorted(int column, bool descending)
    {
        var withValue = Rows.Where(r => r[column] is not null);
        var ordered = descending ? withValue.OrderByDescending(r => r[column], ValueComparer.Instance) : withValue.OrderBy(r => r[column], ValueComparer.Instance);
        return ordered.Concat(Rows.Where(r => r[column] is null));
    }

    /// <summary>
    /// The result as CSV (RFC 4180): a header of the columns' names in words (as the table shows them), raw values (ISO 8601 UTC times, invariant numbers,
    /// campaign names). Text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an
    /// apostrophe: property values come from campaign pages' visitors.
    /// </summary>
    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', Columns.Select(c => Escape(c.Header))).Append("\r\n");
        foreach (var row in Rows)
        {
            csv.AppendJoin(',', row.Select((v, i) => Escape(Raw(v, Columns[i])))).Append("\r\n");
        }
        return csv.ToString();
    }

    private string Raw(object? value, ExplorerColumn column) => value switch
    {
        null => "",
        Guid id when column.Name == "campaign" => _campaignNames.TryGetValue(id, out var name) ? name : id.ToString(),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Invariant),
        double d => d.ToString("R", Invariant),
        IFormattable f => f.ToString(null, Invariant),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(text, NumberStyles.Float, Invariant, out _))
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>
    /// The chart for <paramref name="measure"/>: a line per combination of the other dimensions over the first
    /// time dimension (the largest <see cref="MaxLines"/>), else bars over the rows' labels (the first
    /// <see cref="MaxBars"/> in the table's order, <paramref name="inOrder"/> when the table is sorted); nothing for a
    /// single row without dimensions.
    /// </summary>
    public ExplorerChart Chart(int measure, IReadOnlyList<object?[]>? inOrder = null)
    {
        var all = inOrder ?? Rows;
        var dimensions = Enumerable.Range(0, Columns.Count).Where(i => !Columns[i].IsMeasure).ToList();
        if (measure < 0 || measure >= Columns.Count || !Columns[measure].IsMeasure || dimensions.Count == 0 || all.Count == 0)
        {
            return new(ExplorerChartKind.None, null, [], null, "");
        }
        var m = Columns[measure];
        var yFormat = m.IsMoney && Currency is { } cur ? "currency:" + cur : m.Name is "count" or "unique_customers" ? "integer" : null;
        var time = dimensions.FirstOrDefault(i => Columns[i].IsTime, -1);
        if (time >= 0)
        {
            var others = dimensions.Where(i => i != time).ToList();
            var groups = all
                .GroupBy(r => others.Count == 0 ? m.Header : string.Join(" · ", others.Select(i => Cell(r, i))))
                .Select(g => (Name: g.Key, Points: g.Where(r => r[time] is not null && Number(r[measure]) is not null)
                    .Select(r => new[] { X(r[time]!, Columns[time]), Number(r[measure])!.Value }).OrderBy(p => p[0]).ToList()))
                .OrderByDescending(g => g.Points.Sum(p => Math.Abs(p[1])))
                .ToList();
            var shown = groups.Take(MaxLines).Select(g => (object)new ChartSeries(g.Name, "line", g.Points)).ToList();
            var sinceLaunch = Columns[time].Name == "hours_since_launch";
            var options = new
            {
                chart = new { type = "line", animations = new { enabled = false }, toolbar = new { show = false }, zoom = new { enabled = false } },
                stroke = new { width = 2, curve = "straight" },
                markers = new { size = groups.Max(g => g.Points.Count) <= 60 ? 3 : 0 },
                xaxis = sinceLaunch
                    ? (object)new { type = "numeric", csFormat = "since-launch", title = new { text = "time since launch" } }
                    : new { type = "datetime", labels = new { datetimeUTC = true } },
                yaxis = new { csFormat = yFormat, title = new { text = m.Header } },
                tooltip = new { x = new { format = Columns[time].Name == "day" ? "dd MMM yyyy" : "dd MMM HH:mm" } },
                legend = new { show = shown.Count > 1, position = "bottom" },
                dataLabels = new { enabled = false },
            };
            var note = groups.Count > MaxLines ? $"The {MaxLines} largest of {groups.Count} series are drawn; the table has them all." : null;
            return new(ExplorerChartKind.Line, options, shown, note, $"Line chart of {m.Header} over {Columns[time].Header}");
        }
        var rows = all.Take(MaxBars).ToList();
        var categories = rows.Select(r => string.Join(" · ", dimensions.Select(i => Cell(r, i)))).ToList();
        var bars = new
        {
            chart = new { type = "bar", animations = new { enabled = false }, toolbar = new { show = false } },
            plotOptions = new { bar = new { horizontal = rows.Count > 12, borderRadius = 3 } },
            xaxis = new { categories },
            yaxis = new { csFormat = rows.Count > 12 ? null : yFormat },
            dataLabels = new { enabled = false },
            legend = new { show = false },
        };
        return new(ExplorerChartKind.Bar, bars, [new BarSeries(m.Header, [.. rows.Select(r => Number(r[measure]) ?? 0)])],
            all.Count > MaxBars ? $"The first {MaxBars} of {all.Count:N0} rows are drawn (in the table's order)." : null,
            $"Bar chart of {m.Header} by {string.Join(" and ", dimensions.Select(i => Columns[i].Header))}");
    }

    private static double X(object value, ExplorerColumn column) => value switch
    {
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
        // The axis formatter reads minutes since launch.
        int h => h * 60.0,
        _ => Convert.ToDouble(value, Invariant),
    };

    private static double? Number(object? value) => value switch
    {
        null => null,
        long or int or decimal or double or float or short => Convert.ToDouble(value, Invariant),
        _ => null,
    };

    /// <summary>Column headers for people.</summary>
    public static string Header(string name, string? currency) => name switch
    {
        "campaign" => "Campaign",
        "type" => "Event",
        "source" => "Source",
        "source_kind" => "Source kind",
        "network" => "Network",
        "currency" => "Currency",
        "minute" => "Minute (UTC)",
        "hour" => "Hour (UTC)",
        "day" => "Day (UTC)",
        "hours_since_launch" => "Hours since launch",
        "customer" => "Customer",
        "count" => "Events",
        "unique_customers" => "Unique customers",
        "sum_amount" => "Amount" + (currency is null ? "" : $" ({currency})"),
        "avg_amount" => "Average amount",
        "min_amount" => "Smallest amount",
        "max_amount" => "Largest amount",
        "p50_amount" => "Median amount",
        "p90_amount" => "90th percentile amount",
        _ when name.StartsWith(QueryFields.PropertyPrefix, StringComparison.Ordinal) => name[QueryFields.PropertyPrefix.Length..],
        _ => name,
    };

    private sealed class ValueComparer : IComparer<object?>
    {
        public static readonly ValueComparer Instance = new();

        public int Compare(object? x, object? y) => (Number(x), Number(y)) switch
        {
            ({ } a, { } b) => a.CompareTo(b),
            _ => x is IComparable c && y is not null && x.GetType() == y.GetType() ? c.CompareTo(y) : string.CompareOrdinal(x?.ToString(), y?.ToString()),
        };
    }
}
