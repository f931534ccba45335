using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crowdstart.Pipeline.Storage.Migrations
{
    /// <inheritdoc />
    public partial class RecommendationDismissals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "recommendation_dismissals",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule_key = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    subject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    dismissed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    dismissed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    dismissed_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recommendation_dismissals", x => new { x.campaign_id, x.rule_key });
                    table.ForeignKey(
                        name: "FK_recommendation_dismissals_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recommendation_dismissals");
        }
    }
}
