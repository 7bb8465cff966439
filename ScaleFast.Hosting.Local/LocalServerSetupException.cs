namespace ScaleFast.Hosting.Local;

/// <summary>
/// Local servers cannot be set up as configured: a program or tool is missing, or the data
/// directory is out of a server's reach. The message is written for the person who runs the
/// AppHost: it says what is wrong and what to do.
/// </summary>
public sealed class LocalServerSetupException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public LocalServerSetupException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public LocalServerSetupException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public LocalServerSetupException()
    {
    }
}
