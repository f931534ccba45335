using System.Globalization;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Metrics;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// The campaign page's comparison with another campaign of the same organisation (one the user can see) at the same time since
/// launch: "Aurora is 23 % ahead of Ember Isles at T+3 h". The other campaign is chosen with a selector; by default the most
/// recently launched other one. Read from the minute rollups, at most every <see cref="RefreshInterval"/> while the page is open.
/// </summary>
public sealed class CampaignComparisonViewModel(CampaignAccess access, CurrentUser user, ComparisonQuery query, TimeProvider time)
{
    /// <summary>The comparison moves at most once a minute (whole minutes, then whole hours): rereading it more often buys nothing.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public CampaignInfo? Campaign { get; private set; }

    /// <summary>The other launched campaigns of the organisation the user can see, most recent launch first.</summary>
    public IReadOnlyList<CampaignInfo> Candidates { get; private set; } = [];

    public Guid? SelectedId { get; private set; }

    public CampaignInfo? Selected => Candidates.FirstOrDefault(c => c.Id == SelectedId);

    /// <summary>The latest comparison; null before the first read, or when either campaign is younger than a minute.</summary>
    public LaunchComparison? Result { get; private set; }

    /// <summary>Finds the candidates for <paramref name="campaign"/> and selects the most recent one.</summary>
    public async Task LoadAsync(CampaignInfo campaign, CancellationToken ct = default)
    {
        Campaign = campaign;
        Result = null;
        _readAt = DateTimeOffset.MinValue;
        var now = time.GetUtcNow();
        var readable = await access.ReadableCampaignsAsync(await user.RequireAsync(), ct);
        Candidates = [.. readable.Where(c => c.OrganisationId == campaign.OrganisationId && c.Id != campaign.Id && c.LaunchAt <= now)
            .OrderByDescending(c => c.LaunchAt).ThenBy(c => c.Name, StringComparer.Ordinal)];
        SelectedId = Candidates.FirstOrDefault()?.Id;
        await RefreshAsync(force: true, ct);
    }

    /// <summary>Compares with another candidate (ignored when it is not one of them).</summary>
    public async Task SelectAsync(Guid? otherId, CancellationToken ct = default)
    {
        if (otherId is { } id && Candidates.Any(c => c.Id == id))
        {
            SelectedId = id;
            Result = null;
            await RefreshAsync(force: true, ct);
        }
    }

    /// <summary>Rereads the comparison when <see cref="RefreshInterval"/> has passed (or when forced).</summary>
    public async Task RefreshAsync(bool force = false, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (Campaign is not { } campaign || SelectedId is not { } other || (!force && now - _readAt < RefreshInterval))
        {
            return;
        }
        _readAt = now;
        LaunchComparison? result;
        try
        {
            result = await query.CompareAtSameAgeAsync(campaign.Id, other, now, ct);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            // The live figures go on; the comparison keeps its last reading and is tried again after the interval.
            return;
        }
        // The selection may have changed while this read ran: only the current pair's figures are kept.
        if (SelectedId == other && Campaign?.Id == campaign.Id)
        {
            Result = result;
        }
    }

    /// <summary>"Aurora is 23 % ahead of Ember Isles at T+3 h", or why there is nothing to say yet.</summary>
    public string? Sentence(DashboardFormatter format)
    {
        if (Campaign is not { } campaign || Selected is not { } other)
        {
            return null;
        }
        if (!string.Equals(campaign.Currency.Trim(), other.Currency.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return $"{other.Name} takes pledges in {other.Currency.Trim()}, {campaign.Name} in {campaign.Currency.Trim()}: their amounts are not compared.";
        }
        if (Result is not { } r)
        {
            return $"{campaign.Name} and {other.Name}: compared once both have been live for a minute.";
        }
        var at = At(r.At);
        if (r.Relative is not { } relative)
        {
            return r.Net == 0
                ? $"Neither {campaign.Name} nor {other.Name} had pledges by {at}."
                : $"{campaign.Name} has {format.Money(r.Net, campaign.Currency)} at {at}; {other.Name} had nothing pledged by then.";
        }
        var percent = Math.Abs(relative * 100);
        var amount = percent >= 10 ? percent.ToString("0", CultureInfo.InvariantCulture) : percent.ToString("0.#", CultureInfo.InvariantCulture);
        return amount == "0"
            ? $"{campaign.Name} is level with {other.Name} at {at}."
            : $"{campaign.Name} is {amount} % {(relative > 0 ? "ahead of" : "behind")} {other.Name} at {at}.";
    }

    /// <summary>The two figures compared, e.g. "€12,300 vs €10,000 net pledged in the first 3 h".</summary>
    public string? Detail(DashboardFormatter format) => Campaign is { } campaign && Selected is { } other && Result is { } r
        && string.Equals(campaign.Currency.Trim(), other.Currency.Trim(), StringComparison.OrdinalIgnoreCase)
        ? $"{format.Money(r.Net, campaign.Currency)} vs {format.Money(r.OtherNet, other.Currency)} net pledged in the first {Span(r.At)} of each"
        : null;

    /// <summary>"T+3 h", "T+45 min".</summary>
    public static string At(TimeSpan age) => "T+" + Span(age);

    private static string Span(TimeSpan age) => age >= TimeSpan.FromHours(1)
        ? $"{(int)age.TotalHours} h"
        : $"{(int)age.TotalMinutes} min";
}
