using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Cluster;
using Crowdstart.Pipeline.Privacy;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>The real account services over a test database, on a clock the test moves.</summary>
public sealed class AccountServices
{
    /// <param name="bus">When given, access changes also go to and come from the other instances on it.</param>
    public AccountServices(TestDatabase db, FakeTimeProvider? time = null, PrivacyOptions? privacy = null, RetentionOptions? retention = null,
        ClusterBus? bus = null)
    {
        Time = time ?? new FakeTimeProvider(DateTimeOffset.UtcNow);
        Audit = new AuditLog(db.Contexts, Time);
        Access = new CampaignAccess(db.Contexts, Time);
        Changes = new AccessChangeFeed(bus);
        Grants = new DataAccessGrants(db.Contexts, Access, Audit, Changes, Options.Create(privacy ?? new PrivacyOptions()), Time);
        CustomerData = new CustomerData(db.Contexts, Access, Audit);
        Organisations = new Organisations(db.Contexts, Audit, Options.Create(retention ?? new RetentionOptions()), Time);
    }

    public FakeTimeProvider Time { get; }
    public AuditLog Audit { get; }
    public CampaignAccess Access { get; }
    public AccessChangeFeed Changes { get; }
    public DataAccessGrants Grants { get; }
    public CustomerData CustomerData { get; }
    public Organisations Organisations { get; }

    public static Actor Creator(Guid id) => new(id, $"creator-{id:N}", false);
    public static Actor Admin(Guid id) => new(id, $"admin-{id:N}", true);
}
