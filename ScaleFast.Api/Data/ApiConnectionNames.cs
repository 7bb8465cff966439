namespace ScaleFast.Api.Data;

/// <summary>Connection names given by the AppHost.</summary>
internal static class ApiConnectionNames
{
    /// <summary>The <c>scalefast</c> database, with the pool settings the AppHost computed.</summary>
    public const string Database = "scalefast";

    public const string Redis = "redis";
}
