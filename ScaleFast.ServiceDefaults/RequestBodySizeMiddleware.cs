using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records the size of each request body (the OpenTelemetry <c>http.server.request.body.size</c>
/// histogram), which ASP.NET Core does not measure itself: with the request duration it tells
/// whether slow requests are big ones.
/// </summary>
internal sealed class RequestBodySizeMiddleware(RequestDelegate next, IMeterFactory meterFactory)
{
    internal const string MeterName = "ScaleFast.Http";

    private readonly Histogram<long> _bodySize = meterFactory.Create(MeterName).CreateHistogram<long>(
        "http.server.request.body.size",
        unit: "By",
        description: "Size of HTTP server request bodies.",
        tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 256, 1024, 4096, 16384, 65536, 262144, 1048576] });

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);

        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        _bodySize.Record(
            context.Request.ContentLength ?? 0,
            new KeyValuePair<string, object?>("http.request.method", context.Request.Method),
            new KeyValuePair<string, object?>("http.route", route ?? string.Empty),
            new KeyValuePair<string, object?>("http.response.status_code", context.Response.StatusCode));
    }
}
