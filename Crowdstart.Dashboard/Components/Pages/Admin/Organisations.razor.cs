using System.Text.RegularExpressions;
using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Privacy;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Crowdstart.Dashboard.Components.Pages.Admin;

/// <summary>Admins manage organisations, their retention and accounts.</summary>
public partial class Organisations
{
    private List<OrganisationView>? _orgs;
    private Dictionary<Guid, RetentionEdit> _edits = [];
    private string? _message;
    private Severity _severity = Severity.Success;
    private string? _orgName;
    private string? _email;
    private string? _displayName;
    private string? _password;
    private string _role = Roles.Creator;
    private Guid? _orgId;

    [Inject] public required Pipeline.Accounts.Organisations Orgs { get; init; }
    [Inject] public required AccountAdmin Accounts { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required DashboardFormatter Format { get; init; }
    [Inject] public required IOptions<RetentionOptions> RetentionDefaults { get; init; }

    private RetentionOptions Defaults => RetentionDefaults.Value;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        _orgs = await Orgs.ListAsync(await User.RequireAsync());
        _edits = _orgs.ToDictionary(o => o.Organisation.Id, o => new RetentionEdit
        {
            Raw = o.Organisation.RawEventRetentionDays,
            Customer = o.Organisation.CustomerDataRetentionDays,
            Aggregates = o.Organisation.AggregateRetentionDays,
        });
    }

    private Task SaveRetentionAsync(Guid orgId) => RunAsync(async actor =>
    {
        var edit = _edits[orgId];
        await Orgs.UpdateRetentionAsync(actor, orgId, edit.Raw, edit.Customer, edit.Aggregates);
        return "Retention saved; the next sweep applies it.";
    });

    private Task CreateOrgAsync() => RunAsync(async actor =>
    {
        var name = _orgName?.Trim() ?? "";
        if (name.Length < 2)
        {
            throw new DomainValidationException("name", "Give the organisation a name.");
        }
        var slug = Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        var org = await Orgs.CreateAsync(actor, slug.Length > 0 ? slug : Guid.NewGuid().ToString("N")[..8], name);
        _orgName = null;
        _orgId = org.Id;
        return $"Organisation {name} created.";
    });

    private Task CreateUserAsync() => RunAsync(async actor =>
    {
        var (user, errors) = await Accounts.CreateAsync(actor, _email ?? "", _displayName ?? "", _password ?? "", _role,
            _role == Roles.Creator ? _orgId : null);
        if (user is null)
        {
            throw new DomainValidationException([.. errors.Select(e => new FieldError("account", e))]);
        }
        (_email, _displayName, _password) = (null, null, null);
        return $"Account {user.Email} created.";
    });

    private async Task RunAsync(Func<Actor, Task<string>> action)
    {
        try
        {
            _message = await action(await User.RequireAsync());
            _severity = Severity.Success;
        }
        catch (DomainException ex)
        {
            _message = ex.Message;
            _severity = Severity.Error;
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            _message = "That name is already taken.";
            _severity = Severity.Error;
        }
        await LoadAsync();
    }

    private sealed class RetentionEdit
    {
        public int? Raw { get; set; }
        public int? Customer { get; set; }
        public int? Aggregates { get; set; }
    }
}
