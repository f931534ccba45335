using System.Globalization;
using System.Text;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Events;
using Crowdstart.Pipeline.Privacy;
using Npgsql;
using NpgsqlTypes;

namespace Crowdstart.Pipeline.Query;

/// <summary>A result column: its name in the query (a dimension or measure) and whether it is a measure.</summary>
public sealed record ResultColumn(string Name, bool IsMeasure, bool IsTime);

/// <summary>SQL text with only fixed fragments and placeholders, and the values bound to them.</summary>
public sealed record CompiledQuery(string Sql, IReadOnlyList<NpgsqlParameter> Parameters, IReadOnlyList<ResultColumn> Columns, int Limit)
{
    /// <summary>Whether running it needs a live data-access grant (it reads customer ids).</summary>
    public bool ReadsCustomers { get; init; }

    /// <summary>
    /// For the audit, when the customers a query read are neither in its result nor named in its filters (customer
    /// filters by pattern, range, exclusion or presence only, results not grouped by customer): a statement over
    /// the same events and the same <see cref="Parameters"/> answering how many distinct customers matched and the
    /// first <see cref="QueryFields.MaxAuditedCustomers"/> of them. Null otherwise.
    /// </summary>
    public string? MatchedCustomersSql { get; init; }
}

/// <summary>
/// Validates an <see cref="ExploreQuery"/> and compiles it to one parameterized statement over <c>event_log</c> only
/// (no rollups). The SQL is assembled from fixed fragments chosen by name; every value from the query — property
/// names included — is a parameter, so nothing the user types is ever spliced into SQL text.
/// </summary>
public sealed partial class QueryCompiler(PrivacyOptions privacy)
{
    private const string LaunchJoin = "JOIN campaigns c ON c.id = e.campaign_id";

    /// <summary>
    /// Checks <paramref name="query"/>; throws <see cref="QueryValidationException"/> listing every problem.
    /// With <paramref name="launches"/> (each campaign's launch), launch-relative bounds become absolute per-campaign
    /// time ranges the <c>(campaign_id, type, occurred_at)</c> index can seek, and hours since launch are computed
    /// without a join; without it, both read <c>campaigns.launch_at</c> through a join.
    /// </summary>
    public CompiledQuery Compile(ExploreQuery query, IReadOnlyDictionary<Guid, DateTimeOffset>? launches = null)
    {
        var errors = new List<FieldError>();
        var parameters = new List<NpgsqlParameter>();
        string Param(object value, NpgsqlDbType? type = null)
        {
            var name = "p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(type is { } t ? new NpgsqlParameter(name, t) { Value = value } : new NpgsqlParameter(name, value));
            return "@" + name;
        }

        // Campaigns
        if (query.Campaigns is not { Count: > 0 })
        {
            errors.Add(new("campaigns", "name at least one campaign"));
        }
        else if (query.Campaigns.Count > QueryFields.MaxCampaigns)
        {
            errors.Add(new("campaigns", $"at most {QueryFields.MaxCampaigns} campaigns per query"));
        }
        else if (query.Campaigns.Contains(Guid.Empty))
        {
            errors.Add(new("campaigns", "an empty id is not a campaign"));
        }
        var campaigns = query.Campaigns?.Distinct().ToArray() ?? [];
        var where = new List<string> { $"e.campaign_id = ANY({Param(campaigns, NpgsqlDbType.Array | NpgsqlDbType.Uuid)})" };
        var needsLaunch = false;
        var knownLaunches = launches is not null && campaigns.Length > 0 && campaigns.All(launches.ContainsKey);
        string? launchExpression = null;
        // The campaign's launch as a row-level expression: a bound value per campaign, no join.
        string LaunchSql()
        {
            if (!knownLaunches)
            {
                needsLaunch = true;
                return "c.launch_at";
            }
            return launchExpression ??= campaigns.Length == 1
                ? Param(launches![campaigns[0]].ToUniversalTime(), NpgsqlDbType.TimestampTz)
                : "CASE e.campaign_id" + string.Concat(campaigns.Select(c =>
                    $" WHEN {Param(c, NpgsqlDbType.Uuid)} THEN {Param(launches![c].ToUniversalTime(), NpgsqlDbType.TimestampTz)}")) + " END";
        }

        // Time
        if (query.Time is { } time)
        {
            if (time.From is { } from)
            {
                where.Add($"e.occurred_at >= {Param(from.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
            }
            if (time.To is { } to)
            {
                where.Add($"e.occurred_at < {Param(to.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
            }
            if (time is { From: { } f, To: { } t } && t <= f)
            {
                errors.Add(new("time.to", "must be after time.from"));
            }
            var relative = new List<(double Hours, string Op)>();
            foreach (var (value, name, op) in new[] { (time.FromHoursSinceLaunch, "time.fromHoursSinceLaunch", ">="), (time.ToHoursSinceLaunch, "time.toHoursSinceLaunch", "<") })
            {
                if (value is not { } hours)
                {
                    continue;
                }
                if (!double.IsFinite(hours) || Math.Abs(hours) > 24 * 400)
                {
                    errors.Add(new(name, "must be a number of hours within ±9,600 (400 days)"));
                    continue;
                }
                relative.Add((hours, op));
            }
            if (relative.Count > 0 && knownLaunches)
            {
                // Absolute bounds per campaign: each is an index range, not a per-row computation.
                var ranges = campaigns.Select(c => string.Join(" AND ", relative.Select(r =>
                    $"e.occurred_at {r.Op} {Param(launches![c].ToUniversalTime() + TimeSpan.FromHours(r.Hours), NpgsqlDbType.TimestampTz)}"))).ToList();
                where.Add(campaigns.Length == 1
                    ? ranges[0]
                    : "(" + string.Join(" OR ", campaigns.Select((c, i) => $"(e.campaign_id = {Param(c, NpgsqlDbType.Uuid)} AND {ranges[i]})")) + ")");
            }
            else
            {
                foreach (var (hours, op) in relative)
                {
                    needsLaunch = true;
                    where.Add($"e.occurred_at {op} c.launch_at + {Param(TimeSpan.FromHours(hours), NpgsqlDbType.Interval)}");
                }
            }
            if (time is { FromHoursSinceLaunch: { } fh, ToHoursSinceLaunch: { } th } && th <= fh)
            {
                errors.Add(new("time.toHoursSinceLaunch", "must be after time.fromHoursSinceLaunch"));
            }
        }

        // Types
        var types = query.Types ?? [];
        foreach (var (type, i) in types.Select((t, i) => (t, i)))
        {
            if (!EventTypes.All.Contains(type))
            {
                errors.Add(new($"types[{i}]", $"unknown event type; one of {string.Join(", ", EventTypes.All)}"));
            }
        }
        // Always a type condition (every type when none is chosen): the explorer's index leads with
        // (campaign_id, type), and PostgreSQL seeks each listed type's time range instead of reading the campaign.
        where.Add($"e.type = ANY({Param(types.Count > 0 ? types.Distinct().ToArray() : EventTypes.All.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");

        // Filters
        var filters = query.Filters ?? [];
        if (filters.Count > QueryFields.MaxFilters)
        {
            errors.Add(new("filters", $"at most {QueryFields.MaxFilters} filters"));
        }
        foreach (var (filter, i) in filters.Take(QueryFields.MaxFilters).Select((f, i) => (f, i)))
        {
            if (CompileFilter(filter, $"filters[{i}]", errors, Param) is { } condition)
            {
                where.Add(condition);
            }
        }

        // Dimensions
        var groupBy = query.GroupBy ?? [];
        if (groupBy.Count > QueryFields.MaxDimensions)
        {
            errors.Add(new("groupBy", $"at most {QueryFields.MaxDimensions} dimensions"));
        }
        if (groupBy.Distinct(StringComparer.Ordinal).Count() != groupBy.Count)
        {
            errors.Add(new("groupBy", "a dimension is named twice"));
        }
        var columns = new List<ResultColumn>();
        var select = new List<string>();
        foreach (var (dimension, i) in groupBy.Take(QueryFields.MaxDimensions).Select((d, i) => (d, i)))
        {
            var expression = DimensionSql(dimension, $"groupBy[{i}]", errors, Param, LaunchSql);
            if (expression is not null)
            {
                select.Add($"{expression} AS d{i}");
                columns.Add(new(dimension, false, QueryFields.TimeDimensions.Contains(dimension)));
            }
        }

        // Measures
        var measures = query.Measures ?? [];
        if (measures.Count == 0)
        {
            errors.Add(new("measures", "name at least one measure"));
        }
        if (measures.Distinct(StringComparer.Ordinal).Count() != measures.Count)
        {
            errors.Add(new("measures", "a measure is named twice"));
        }
        foreach (var (measure, i) in measures.Select((m, i) => (m, i)))
        {
            if (MeasureSql(measure) is { } expression)
            {
                select.Add($"{expression} AS m{i}");
                columns.Add(new(measure, true, false));
            }
            else
            {
                errors.Add(new($"measures[{i}]", $"unknown measure; one of {string.Join(", ", QueryFields.Measures)}"));
            }
        }

        // Sort and limit
        string orderBy;
        if (query.Sort is { } sort)
        {
            var index = columns.FindIndex(c => c.Name == sort.By);
            if (index < 0)
            {
                errors.Add(new("sort.by", "must be one of the query's dimensions or measures"));
                orderBy = "1";
            }
            else
            {
                orderBy = $"{index + 1} {(sort.Descending ? "DESC" : "ASC")} NULLS LAST";
            }
        }
        else
        {
            var timeIndex = columns.FindIndex(c => c.IsTime);
            var measureIndex = columns.FindIndex(c => c.IsMeasure);
            orderBy = timeIndex >= 0 ? $"{timeIndex + 1} ASC" : measureIndex >= 0 ? $"{measureIndex + 1} DESC NULLS LAST" : "1";
        }
        // Ties broken by every dimension, so pages and exports are stable.
        var tieBreak = string.Concat(Enumerable.Range(0, columns.Count(c => !c.IsMeasure)).Select(i => $", d{i}"));
        if (query.Limit is < 1 or > QueryFields.MaxRows)
        {
            errors.Add(new("limit", $"must be between 1 and {QueryFields.MaxRows:N0}"));
        }

        if (errors.Count > 0)
        {
            throw new QueryValidationException(errors);
        }

        var fromSql = $" FROM event_log e{(needsLaunch ? " " + LaunchJoin : "")} WHERE {string.Join(" AND ", where)}";
        string? matchedCustomers = null;
        var customerOps = filters.Where(f => f?.Field == QueryFields.Customer).Select(f => f.Op).ToList();
        // Grouped by customer, the rows name them; with an equality filter, the customers are among the ones it names.
        if (!groupBy.Contains(QueryFields.Customer) && customerOps.Count > 0 && !customerOps.Any(op => op is "eq" or "in"))
        {
            matchedCustomers = $"SELECT count(*)::bigint, (array_agg(m.id ORDER BY m.id))[1:{QueryFields.MaxAuditedCustomers}] " +
                               $"FROM (SELECT DISTINCT e.customer_id COLLATE \"C\" AS id{fromSql} AND e.customer_id IS NOT NULL) m";
        }
        var sql = new StringBuilder();
        sql.Append("SELECT ").AppendJoin(", ", select).Append(fromSql);
        if (groupBy.Count > 0)
        {
            sql.Append(" GROUP BY ").AppendJoin(", ", Enumerable.Range(1, groupBy.Count));
        }
        // One row more than asked, to tell the caller the result was cut.
        sql.Append(" ORDER BY ").Append(orderBy).Append(tieBreak).Append(" LIMIT ").Append(Param(query.Limit + 1, NpgsqlDbType.Integer));
        return new CompiledQuery(sql.ToString(), parameters, columns, query.Limit)
        {
            ReadsCustomers = QueryFields.ReadsCustomers(query),
            MatchedCustomersSql = matchedCustomers,
        };
    }

    private bool PropertyAllowed(string name) => name.Length is > 0 and <= 64 && EventTypes.All.Any(t => privacy.IsAllowed(t, name));

    /// <summary>Every property name some event type may carry.</summary>
    public IReadOnlyList<string> AllowedPropertyNames() =>
        [.. EventTypes.All.SelectMany(privacy.AllowedFor).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
