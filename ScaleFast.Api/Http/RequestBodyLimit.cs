using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ScaleFast.Api.Http;

/// <summary>
/// The largest request body the API accepts: 64 KiB. Kestrel enforces it for every request;
/// <see cref="UseRequestBodyLimit"/> answers an oversized body with a clean 413.
/// </summary>
internal static class RequestBodyLimit
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// How much of an oversized body is read and thrown away before the 413, so that the client
    /// has finished sending when the answer comes: closing a connection with unread data resets
    /// it, and the client may never see the answer. Past this, the connection is closed.
    /// </summary>
    public const int DrainBytes = 1024 * 1024;

    public static void Apply(KestrelServerOptions kestrel) => kestrel.Limits.MaxRequestBodySize = MaxBytes;

    /// <summary>
    /// Bodies that are declared too long, or whose length is unknown (chunked), are read before
    /// the handler runs: a chunked body that fits is handed on from memory, one that does not (or a
    /// declared one) is drained and answered 413 with ProblemDetails. (Left to Kestrel, the failed
    /// read inside a minimal API handler drops the connection without an answer.)
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var declared = request.ContentLength;
        var chunked = declared is null && request.Headers.TransferEncoding.Count > 0;
        if (declared > MaxBytes || chunked)
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = DrainBytes;
            }

            var (body, length) = await ReadUpToLimitAsync(request.Body, context.RequestAborted);
            if (length > MaxBytes)
            {
                throw new Microsoft.AspNetCore.Http.BadHttpRequestException(
                    $"The request body is {(declared ?? length)} bytes or more; the limit is {MaxBytes} bytes.",
                    StatusCodes.Status413PayloadTooLarge);
            }

            context.Response.RegisterForDispose(body);
            request.Body = body;
            request.ContentLength = length;
        }

        await next(context);
    });

    /// <summary>Keeps the first <see cref="MaxBytes"/>, counts and discards the rest.</summary>
    private static async Task<(MemoryStream Body, long Length)> ReadUpToLimitAsync(Stream source, CancellationToken cancellationToken)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        long length = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (length + read <= MaxBytes)
            {
                kept.Write(buffer, 0, read);
            }

            length += read;
        }

        kept.Position = 0;
        return (kept, length);
    }
}
