using Crowdstart.Dashboard.Security;
using Crowdstart.Dashboard.Services;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Pages.Account;

/// <summary>The signed-in user's personal API tokens: create (shown once, with an expiry), list, revoke.</summary>
public partial class ApiTokens
{
    private List<PersonalToken>? _tokens;
    private string? _name;
    private int _days = 30;
    private string? _error;
    private bool _busy;
    private (string Name, string Plaintext)? _created;

    [Inject] public required PersonalTokens Tokens { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _tokens = await Tokens.ListAsync(await User.RequireAsync());

    private async Task CreateAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var (token, plaintext) = await Tokens.CreateAsync(await User.RequireAsync(), _name ?? "", _days);
            _created = (token.Name, plaintext);
            _name = null;
            await LoadAsync();
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevokeAsync(Guid tokenId)
    {
        try
        {
            await Tokens.RevokeAsync(await User.RequireAsync(), tokenId);
            _error = null;
        }
        catch (DomainException ex)
        {
            _error = ex.Message;
        }
        await LoadAsync();
    }
}
