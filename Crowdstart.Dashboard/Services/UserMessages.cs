namespace Crowdstart.Dashboard.Services;

/// <summary>Turns the services' refusals into text for people.</summary>
public static class UserMessages
{
    /// <summary>
    /// The exception's message without the " (Parameter 'x')" suffix .NET appends to argument exceptions: the
    /// services word their validation messages for people, the parameter name is for developers.
    /// </summary>
    public static string ForUser(this Exception exception) =>
        exception is ArgumentException { ParamName: { } name } argument
            ? argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
            : exception.Message;
}
