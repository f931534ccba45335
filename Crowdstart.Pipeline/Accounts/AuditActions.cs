namespace Crowdstart.Pipeline.Accounts;

/// <summary>Names of the audited actions.</summary>
public static class AuditActions
{
    public const string CustomerTimelineRead = "customer.timeline.read";
    public const string CustomerListRead = "customer.list.read";
    public const string CustomerFeedWatched = "customer.feed.watched";
    public const string CustomerQueryRead = "customer.query.read";
    public const string AccessRequested = "access.requested";
    public const string AccessGranted = "access.granted";
    public const string AccessDenied = "access.request.denied";
    public const string AccessRevoked = "access.revoked";
    public const string IngestKeyCreated = "ingest_key.created";
    public const string IngestKeyRevoked = "ingest_key.revoked";
    public const string SegmentMappingsChanged = "segment_mappings.changed";
    public const string PersonalTokenCreated = "personal_token.created";
    public const string PersonalTokenRevoked = "personal_token.revoked";
    public const string RetentionChanged = "retention.changed";
    public const string RetentionEnforced = "retention.enforced";
    public const string MemberAdded = "organisation.member.added";
    public const string OrganisationCreated = "organisation.created";
    public const string CampaignCreated = "campaign.created";
    public const string AccountCreated = "account.created";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";
    public const string AlertSettingsChanged = "alert_settings.changed";
    public const string AlertsMuted = "alerts.muted";
    public const string AlertsUnmuted = "alerts.unmuted";
    public const string RecommendationDismissed = "recommendation.dismissed";
    public const string CampaignUpdated = "campaign.updated";
    public const string MetricDefinitionChanged = "campaign.metric_definition.changed";
    public const string CampaignArchived = "campaign.archived";
    public const string CampaignUnarchived = "campaign.unarchived";
    public const string CampaignDeleted = "campaign.deleted";
    public const string ShareLinkCreated = "share_link.created";
    public const string ShareLinkRevoked = "share_link.revoked";
}
