using System.Security.Cryptography;
using System.Text;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Accounts;

/// <summary>Personal API tokens on real PostgreSQL: only a hash is kept, expiry and revocation end them, people manage only their own.</summary>
[Layer(TestLayer.Database)]
public class PersonalTokensTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private async Task<(AccountServices Svc, PersonalTokens Tokens, Actor User)> ArrangeAsync()
    {
        var svc = new AccountServices(db);
        var user = AccountServices.Creator(await db.CreateUserAsync($"pat-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        return (svc, new PersonalTokens(db.Contexts, svc.Audit, svc.Time), user);
    }

    [Fact]
    public async Task CreateAsync_NewToken_StoresOnlyItsHashAndAudits()
    {
        var (_, tokens, user) = await ArrangeAsync();

        var (row, plaintext) = await tokens.CreateAsync(user, "weekly report", 30);

        Assert.StartsWith(PersonalTokens.Prefix, plaintext);
        Assert.True(plaintext.Length >= 40);
        var stored = await db.ScalarAsync<byte[]>($"SELECT token_hash FROM personal_tokens WHERE id = '{row.Id}'");
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext)), stored);
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM personal_tokens WHERE prefix = '{plaintext}' OR name = '{plaintext}'"));
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE action = 'personal_token.created' AND actor_user_id = '{user.UserId}'"));
        Assert.Equal(row.Id, (await tokens.FindLiveAsync(plaintext))?.Id);
    }

    [Fact]
    public async Task FindLiveAsync_AfterExpiry_ReturnsNull()
    {
        var (svc, tokens, user) = await ArrangeAsync();
        var (_, plaintext) = await tokens.CreateAsync(user, "short", 7);

        svc.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        var justBefore = await tokens.FindLiveAsync(plaintext);
        svc.Time.Advance(TimeSpan.FromMinutes(2));
        var after = await tokens.FindLiveAsync(plaintext);

        Assert.NotNull(justBefore);
        Assert.NotNull(justBefore.LastUsedAt);
        Assert.Null(after);
    }

    [Fact]
    public async Task RevokeAsync_OwnToken_StopsItAndAnotherUserCannotRevokeIt()
    {
        var (_, tokens, user) = await ArrangeAsync();
        var other = AccountServices.Creator(await db.CreateUserAsync($"pat-other-{Guid.NewGuid():N}@test.example", db.OrganisationId));
        var (row, plaintext) = await tokens.CreateAsync(user, "script", 30);

        await Assert.ThrowsAsync<NotFoundException>(() => tokens.RevokeAsync(other, row.Id));
        var stillLive = await tokens.IsLiveAsync(row.Id);
        await tokens.RevokeAsync(user, row.Id);

        Assert.True(stillLive);
        Assert.False(await tokens.IsLiveAsync(row.Id));
        Assert.Null(await tokens.FindLiveAsync(plaintext));
        Assert.Empty(await tokens.ListAsync(other));
        Assert.Single(await tokens.ListAsync(user), t => t.RevokedAt is not null);
    }

    [Theory]
    [InlineData("", 30, "name")]
    [InlineData("script", 0, "days")]
    [InlineData("script", 3650, "days")]
    public async Task CreateAsync_BadNameOrLifetime_RefusedNamingTheField(string name, int days, string field)
    {
        var (_, tokens, user) = await ArrangeAsync();

        var error = await Assert.ThrowsAsync<DomainValidationException>(() => tokens.CreateAsync(user, name, days));

        Assert.Equal(field, Assert.Single(error.Errors).Field);
    }

    [Fact]
    public async Task FindLiveAsync_IngestKeyOrJunk_ReturnsNull()
    {
        var (_, tokens, _) = await ArrangeAsync();

        Assert.Null(await tokens.FindLiveAsync("cs_live_abcdef"));
        Assert.Null(await tokens.FindLiveAsync(PersonalTokens.Prefix + new string('x', 500)));
        Assert.Null(await tokens.FindLiveAsync(PersonalTokens.Prefix + "'; DROP TABLE personal_tokens; --"));
    }
}
