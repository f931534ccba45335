using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Crowdstart.Pipeline.Storage.Migrations
{
    /// <inheritdoc />
    public partial class LogPartitionEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "engine",
                table: "log_partitions",
                type: "text",
                nullable: false,
                defaultValue: "postgres");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "engine",
                table: "log_partitions");
        }
    }
}
