using System.Globalization;
using Crowdstart.Pipeline.Errors;
using NpgsqlTypes;

namespace Crowdstart.Pipeline.Query;

// The SQL fragments of one field, filter, dimension or measure, each chosen by name from a fixed set; values go
// through the parameter callback. QueryCompiler.cs assembles them into the statement.
public sealed partial class QueryCompiler
{
    private string? FieldSql(string field, string path, List<FieldError> errors, Func<object, NpgsqlDbType?, string> param, out bool numeric)
    {
        numeric = false;
        if (field.StartsWith(QueryFields.PropertyPrefix, StringComparison.Ordinal))
        {
            var name = field[QueryFields.PropertyPrefix.Length..];
            if (!PropertyAllowed(name))
            {
                errors.Add(new(path, "not an allowlisted property: " + string.Join(", ", AllowedPropertyNames())));
                return null;
            }
            return $"(e.properties ->> {param(name, NpgsqlDbType.Text)})";
        }
        switch (field)
        {
            case "type": return "e.type";
            case "source": return "e.source";
            case "source_kind": return "split_part(e.source, ':', 1)";
            case "network": return "CASE WHEN e.source LIKE 'social:%' THEN substr(e.source, 8) END";
            case "currency": return "e.currency";
            case "amount":
                numeric = true;
                return "e.amount";
            case QueryFields.Customer: return "e.customer_id";
            default:
                errors.Add(new(path, $"unknown field; one of {string.Join(", ", QueryFields.FilterFields)} or {QueryFields.PropertyPrefix}<name>"));
                return null;
        }
    }

    private string? CompileFilter(QueryFilter filter, string path, List<FieldError> errors, Func<object, NpgsqlDbType?, string> param)
    {
        if (filter is null || string.IsNullOrEmpty(filter.Field))
        {
            errors.Add(new($"{path}.field", "required"));
            return null;
        }
        var field = FieldSql(filter.Field, $"{path}.field", errors, param, out var numeric);
        var values = filter.Values ?? [];
        if (values.Count > QueryFields.MaxValues || values.Any(v => v is null || v.Length > QueryFields.MaxValueLength))
        {
            errors.Add(new($"{path}.values", $"at most {QueryFields.MaxValues} values of at most {QueryFields.MaxValueLength} characters"));
            return null;
        }
        if (!QueryFields.Operators.Contains(filter.Op))
        {
            errors.Add(new($"{path}.op", $"unknown operator; one of {string.Join(", ", QueryFields.Operators)}"));
            return null;
        }
        if (field is null)
        {
            return null;
        }
        int? expected = filter.Op switch
        {
            "eq" or "contains" or "gt" or "gte" or "lt" or "lte" => 1,
            "between" => 2,
            "exists" or "missing" => 0,
            _ => null,
        };
        if (expected is { } n && values.Count != n)
        {
            errors.Add(new($"{path}.values", n == 0 ? $"'{filter.Op}' takes no values" : $"'{filter.Op}' takes exactly {n} value{(n == 1 ? "" : "s")}"));
            return null;
        }
        if (expected is null && values.Count == 0)
        {
            errors.Add(new($"{path}.values", $"'{filter.Op}' needs at least one value"));
            return null;
        }
        var ordered = filter.Op is "gt" or "gte" or "lt" or "lte" or "between";
        if (ordered && !numeric)
        {
            errors.Add(new($"{path}.op", $"'{filter.Op}' compares numbers; only amount is numeric"));
            return null;
        }
        if (filter.Op == "contains" && numeric)
        {
            errors.Add(new($"{path}.op", "'contains' looks for text; amount is a number"));
            return null;
        }
        object Value(string v, int i)
        {
            if (!numeric)
            {
                return v;
            }
            if (decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var d))
            {
                return d;
            }
            errors.Add(new($"{path}.values[{i}]", "must be a number (e.g. 25 or 25.50)"));
            return 0m;
        }
        var typed = values.Select(Value).ToArray();
        var type = numeric ? NpgsqlDbType.Numeric : NpgsqlDbType.Text;
        return filter.Op switch
        {
            "eq" => $"{field} = {param(typed[0], type)}",
            "in" => $"{field} = ANY({param(numeric ? typed.Cast<decimal>().ToArray() : values.ToArray(), NpgsqlDbType.Array | type)})",
            // "not": none of the values; events without the field are kept (they are not any of the values).
            "not" => $"({field} IS NULL OR NOT ({field} = ANY({param(numeric ? typed.Cast<decimal>().ToArray() : values.ToArray(), NpgsqlDbType.Array | type)})))",
            // Substring match, case-insensitive; % and _ in the value are matched literally.
            "contains" => $"strpos(lower({field}), lower({param(values[0], NpgsqlDbType.Text)})) > 0",
            "gt" => $"{field} > {param(typed[0], type)}",
            "gte" => $"{field} >= {param(typed[0], type)}",
            "lt" => $"{field} < {param(typed[0], type)}",
            "lte" => $"{field} <= {param(typed[0], type)}",
            "between" => $"({field} >= {param(typed[0], type)} AND {field} < {param(typed[1], type)})",
            "exists" => $"{field} IS NOT NULL",
            "missing" => $"{field} IS NULL",
            _ => null,
        };
    }

    private string? DimensionSql(string dimension, string path, List<FieldError> errors, Func<object, NpgsqlDbType?, string> param, Func<string> launch)
    {
        switch (dimension)
        {
            case "campaign": return "e.campaign_id";
            case "minute": return "date_bin('1 minute', e.occurred_at, timestamptz '2000-01-01 00:00:00+00')";
            case "hour": return "date_bin('1 hour', e.occurred_at, timestamptz '2000-01-01 00:00:00+00')";
            case "day": return "date_bin('1 day', e.occurred_at, timestamptz '2000-01-01 00:00:00+00')";
            // date_part is double precision (extract is numeric since PostgreSQL 14, several times slower per row).
            case "hours_since_launch": return $"floor(date_part('epoch', e.occurred_at - {launch()}) / 3600)::int";
            case "amount":
                errors.Add(new(path, "amount is a measure, not a dimension (sum_amount, avg_amount, …)"));
                return null;
        }
        if (dimension is null)
        {
            errors.Add(new(path, "required"));
            return null;
        }
        var known = QueryFields.Dimensions.Contains(dimension) || dimension.StartsWith(QueryFields.PropertyPrefix, StringComparison.Ordinal);
        if (!known)
        {
            errors.Add(new(path, $"unknown dimension; one of {string.Join(", ", QueryFields.Dimensions)} or {QueryFields.PropertyPrefix}<name>"));
            return null;
        }
        // Text groups compare in byte order (same groups, much faster sorting than the libc collation); only in the
        // select list, so WHERE conditions on the same columns still match their indexes.
        return FieldSql(dimension, path, errors, param, out _) is { } text ? $"({text} COLLATE \"C\")" : null;
    }

    private static string? MeasureSql(string measure) => measure switch
    {
        "count" => "count(*)",
        // Byte-order comparison: equality is the same, and it sorts several times faster than the libc collation.
        "unique_customers" => "count(DISTINCT e.customer_id COLLATE \"C\")",
        "sum_amount" => "sum(e.amount)",
        "avg_amount" => "avg(e.amount)",
        "min_amount" => "min(e.amount)",
        "max_amount" => "max(e.amount)",
        "p50_amount" => "percentile_cont(0.5) WITHIN GROUP (ORDER BY e.amount)",
        "p90_amount" => "percentile_cont(0.9) WITHIN GROUP (ORDER BY e.amount)",
        _ => null,
    };
}
