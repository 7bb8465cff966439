namespace ScaleFast.AppHost;

/// <summary>
/// The app model cannot be built as configured (a bad knob, a missing server binary). The message is
/// written for the person who ran the AppHost: it says what is wrong and what to do.
/// </summary>
public sealed class ScaleFastSetupException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public ScaleFastSetupException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    public ScaleFastSetupException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ScaleFastSetupException()
    {
    }
}
