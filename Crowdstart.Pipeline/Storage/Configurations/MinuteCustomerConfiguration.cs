using Crowdstart.Pipeline.Storage.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crowdstart.Pipeline.Storage.Configurations;

internal sealed class MinuteCustomerConfiguration : IEntityTypeConfiguration<MinuteCustomer>
{
    public void Configure(EntityTypeBuilder<MinuteCustomer> b)
    {
        b.ToTable("campaign_minute_customers");
        b.HasKey(x => new { x.CampaignId, x.Minute, x.CustomerId });
        b.Property(x => x.CampaignId).HasColumnName("campaign_id");
        b.Property(x => x.Minute).HasColumnName("minute");
        b.Property(x => x.CustomerId).HasColumnName("customer_id");
    }
}
