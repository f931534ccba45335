using System.Text.RegularExpressions;
using Crowdstart.Pipeline.Query;

namespace Crowdstart.Dashboard.Model;

/// <summary>The explorer's words for fields, operators and validation paths, shared by the builder and its errors.</summary>
public static class ExplorerLabels
{
    /// <summary>A field as the builder shows it ("properties.reward" → "reward (property)").</summary>
    public static string FieldLabel(string? name) => name switch
    {
        null or "" => "",
        "amount" => "Amount",
        _ when name.StartsWith(QueryFields.PropertyPrefix, StringComparison.Ordinal) => name[QueryFields.PropertyPrefix.Length..] + " (property)",
        _ => ExplorerResultView.Header(name, null),
    };

    /// <summary>The filter operators that make sense for a field: comparisons only for amounts.</summary>
    public static IEnumerable<string> OperatorsFor(string field) => field == "amount"
        ? ["eq", "in", "not", "gt", "gte", "lt", "lte", "between", "exists", "missing"]
        : ["eq", "in", "not", "contains", "exists", "missing"];

    /// <summary>An operator as a person reads it.</summary>
    public static string OperatorLabel(string? op) => op switch
    {
        "eq" => "equals",
        "in" => "one of",
        "not" => "none of",
        "contains" => "contains",
        "gt" => ">",
        "gte" => "≥",
        "lt" => "<",
        "lte" => "≤",
        "between" => "between",
        "exists" => "is set",
        "missing" => "is not set",
        _ => op ?? "",
    };

    /// <summary>A validation error's JSON path as the builder's labels say it ("filters[1].values" → "Filter 2 values").</summary>
    public static string FieldName(string path)
    {
        var text = Regex.Replace(path, @"^filters\[(\d+)\]\.?", m => $"Filter {int.Parse(m.Groups[1].Value) + 1} ");
        text = Regex.Replace(text, @"\[(\d+)\]", "");
        return text.Trim() switch
        {
            "campaigns" => "Campaigns",
            "types" => "Events",
            "groupBy" => "Group by",
            "measures" => "Measures",
            "limit" => "Most rows",
            "sort.by" => "Sort by",
            var t when t.StartsWith("time", StringComparison.Ordinal) => "Time",
            var t => t.Replace("values", "value", StringComparison.Ordinal).Replace("op", "operator", StringComparison.Ordinal),
        };
    }
}
