using Crowdstart.Dashboard.Model;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;
using Microsoft.AspNetCore.Components;

namespace Crowdstart.Dashboard.Components.Pages.Account;

/// <summary>The signed-in user's personal API tokens: create (shown once, with an expiry), list, revoke.</summary>
public partial class ApiTokens
{
    private OneTimeSecrets<PersonalTokenInfo> _tokens = null!;
    private int _days = 30;

    [Inject] public required PersonalTokens Tokens { get; init; }
    [Inject] public required CurrentUser User { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    protected override Task OnInitializedAsync()
    {
        _tokens = new(User, actor => Tokens.ListAsync(actor), async (actor, name) =>
        {
            var (token, plaintext) = await Tokens.CreateAsync(actor, name, _days);
            return (token.Name, plaintext);
        }, (actor, id) => Tokens.RevokeAsync(actor, id));
        return _tokens.LoadAsync();
    }
}
