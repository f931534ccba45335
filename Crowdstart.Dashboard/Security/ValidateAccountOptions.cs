using Crowdstart.Pipeline.Configuration;
using Microsoft.Extensions.Options;

namespace Crowdstart.Dashboard.Security;

/// <summary>Checks <see cref="AccountOptions"/> at start-up and reports every bad setting at once.</summary>
public sealed class ValidateAccountOptions : IValidateOptions<AccountOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountOptions options) => new OptionErrors(AccountOptions.SectionName)
        // Open pages are re-checked every minute; cookies must be at least as fresh.
        .Range(nameof(options.SessionValidationSeconds), options.SessionValidationSeconds, 1, 60)
        // Otherwise the seeder finds out only after the database was migrated, and the deployment has no admin.
        .Require(string.IsNullOrWhiteSpace(options.BootstrapAdminEmail) || !string.IsNullOrEmpty(options.BootstrapAdminPassword),
            "Accounts:BootstrapAdminPassword must be set when Accounts:BootstrapAdminEmail is")
        .Result();
}
