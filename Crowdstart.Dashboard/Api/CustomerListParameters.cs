using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;

namespace Crowdstart.Dashboard.Api;

/// <summary>
/// The query string of <c>GET …/customers</c>. Enumerations arrive as text and are parsed here, so a wrong value is a
/// 400 naming the parameter and the values it takes rather than the framework's bare binding failure.
/// </summary>
public sealed record CustomerListParameters(string? Search, string? Status, string? Sort, string? Order, int? Page, int? PageSize)
{
    public CustomerListQuery ToQuery()
    {
        var errors = new List<FieldError>();
        var filter = Parse(Status, "status", CustomerFilter.All, errors);
        var sort = Parse(Sort, "sort", CustomerSort.LastSeen, errors);
        var descending = Order?.Trim().ToLowerInvariant() switch
        {
            null or "" or "desc" => true,
            "asc" => false,
            _ => Fail(errors, "order", "must be desc or asc"),
        };
        if (Page is < 1)
        {
            errors.Add(new FieldError("page", "must be 1 or more"));
        }
        if (PageSize is < 1 or > CustomerData.MaxPageSize)
        {
            errors.Add(new FieldError("pageSize", $"must be between 1 and {CustomerData.MaxPageSize}"));
        }
        if (errors.Count > 0)
        {
            throw new DomainValidationException(errors);
        }
        return new CustomerListQuery(Search, filter, sort, descending, Page ?? 1, PageSize ?? 25);
    }

    private static T Parse<T>(string? text, string field, T fallback, List<FieldError> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        // Names only: Enum.TryParse would also take "2" or "-1".
        var name = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            var allowed = string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]));
            errors.Add(new FieldError(field, $"must be one of {allowed}"));
            return fallback;
        }
        return Enum.Parse<T>(name);
    }

    private static bool Fail(List<FieldError> errors, string field, string reason)
    {
        errors.Add(new FieldError(field, reason));
        return true;
    }
}
