using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace ScaleFast.Api.Http;

/// <summary>The largest request body the API accepts: 64 KiB, enforced by Kestrel for every request.</summary>
internal static class RequestBodyLimit
{
    public const long MaxBytes = 64 * 1024;

    public static void Apply(KestrelServerOptions kestrel) => kestrel.Limits.MaxRequestBodySize = MaxBytes;

    /// <summary>
    /// Answers 413 before the handler runs: at once when the declared length is over the limit,
    /// and for a chunked body by reading it into a buffer first. (Minimal APIs treat a failed body
    /// read as a dropped connection and close it without an answer.)
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.ContentLength > MaxBytes)
        {
            throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                $"The request body is {request.ContentLength} bytes; the limit is {MaxBytes} bytes.",
                StatusCodes.Status413PayloadTooLarge);
        }

        if (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0)
        {
            // Kestrel throws its own 413 BadHttpRequestException once the limit is passed.
            request.EnableBuffering(bufferThreshold: (int)MaxBytes);
            await request.Body.DrainAsync(context.RequestAborted);
            request.Body.Position = 0;
        }

        await next(context);
    });
}
