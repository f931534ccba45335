using Crowdstart.Pipeline.Errors;

namespace Crowdstart.Dashboard.Model;

/// <summary>
/// The state of a form's buttons: busy while a submission runs, so a second click cannot send it twice, and the
/// domain error of the last attempt, shown at the form. Anything else failing is a bug and reaches the error boundary.
/// </summary>
public sealed class FormAction
{
    public bool Busy { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Submits the form: busy meanwhile, and the previous error goes at once rather than when the answer comes.</summary>
    public async Task SubmitAsync(Func<Task> submit)
    {
        Busy = true;
        Error = null;
        try
        {
            await submit();
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>
    /// Runs a row's button (e.g. revoke) without making the form busy: rows act on their own, and the form stays
    /// usable while one of them answers.
    /// </summary>
    public async Task RunAsync(Func<Task> action)
    {
        try
        {
            await action();
            Error = null;
        }
        catch (DomainException ex)
        {
            Error = ex.Message;
        }
    }
}
