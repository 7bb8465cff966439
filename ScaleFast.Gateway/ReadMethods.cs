namespace ScaleFast.Gateway;

/// <summary>The methods that only read (GET, HEAD, OPTIONS): safe to retry, and limited by the reads policy.</summary>
internal static class ReadMethods
{
    public static bool Includes(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
