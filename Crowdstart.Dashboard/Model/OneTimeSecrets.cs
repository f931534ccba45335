using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline.Accounts;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// A list of named secrets whose plaintext is shown once, when created (ingest keys, API tokens): list, create,
/// revoke, each as the signed-in user. The list is read again after every change, so it shows what the database holds.
/// <c>create</c> returns the name the secret got and its only plaintext copy.
/// </summary>
public sealed class OneTimeSecrets<T>(
    CurrentUser user,
    Func<Actor, Task<List<T>>> list,
    Func<Actor, string, Task<(string Name, string Plaintext)>> create,
    Func<Actor, Guid, Task> revoke)
{
    /// <summary>The secrets; null until first loaded.</summary>
    public List<T>? Items { get; private set; }

    /// <summary>Name typed for the next secret.</summary>
    public string? Name { get; set; }

    /// <summary>The secret just created, until the page is left: its plaintext exists nowhere else.</summary>
    public (string Name, string Plaintext)? Created { get; private set; }

    public FormAction Form { get; } = new();

    public async Task LoadAsync() => Items = await list(await user.RequireAsync());

    public Task CreateAsync() => Form.SubmitAsync(async () =>
    {
        Created = await create(await user.RequireAsync(), Name ?? "");
        Name = null;
        await LoadAsync();
    });

    public async Task RevokeAsync(Guid id)
    {
        await Form.RunAsync(async () => await revoke(await user.RequireAsync(), id));
        await LoadAsync();
    }
}
