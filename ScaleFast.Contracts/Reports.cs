namespace ScaleFast.Contracts;

/// <summary>The kinds of report the API takes and the workers make.</summary>
public static class ReportKinds
{
    /// <summary>Sales per day and product over a range of days, as CSV.</summary>
    public const string Sales = "sales";
}

/// <summary>The states of a report request (<c>reports.status</c>): the API sets the first, the workers the others.</summary>
public static class ReportStates
{
    /// <summary>Accepted; its message waits in the outbox or the queue.</summary>
    public const string Requested = "requested";

    /// <summary>A worker is making it.</summary>
    public const string Running = "running";

    /// <summary>Made: its content can be read.</summary>
    public const string Done = "done";

    /// <summary>It could not be made; the reason is kept.</summary>
    public const string Failed = "failed";
}
