namespace Crowdstart.Dashboard.Security;

/// <summary>Account settings (section <c>Accounts</c>).</summary>
public sealed class AccountOptions
{
    public const string SectionName = "Accounts";

    /// <summary>
    /// E-mail of an admin account to create at start-up when no admin exists yet (with <see cref="BootstrapAdminPassword"/>).
    /// This is how a deployment gets its first admin; there are no built-in credentials.
    /// </summary>
    public string? BootstrapAdminEmail { get; set; }

    /// <summary>Password of the bootstrap admin; give it through an environment variable, never in a file.</summary>
    public string? BootstrapAdminPassword { get; set; }

    /// <summary>Marks the auth cookie Secure even on plain-HTTP requests (set it where the app is only reached over HTTPS).</summary>
    public bool SecureCookiesOnly { get; set; }

    /// <summary>
    /// How often a cookie's account is re-checked on reads (exists, not locked out, same security stamp), in
    /// seconds; state-changing requests re-check on every request whatever this says.
    /// </summary>
    public int SessionValidationSeconds { get; set; } = 60;
}
