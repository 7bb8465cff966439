using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ScaleFast.Gateway.LoadBalancing;
using ScaleFast.Settings;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// Limits every <c>/api</c> request per client and policy (reads, writes) before it is balanced:
/// one decision from this gateway's <see cref="ClientLeases"/>, then the <c>RateLimit-Limit</c>,
/// <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> headers, and for a refusal a 429
/// ProblemDetails with <c>Retry-After</c>. When Redis does not decide in time,
/// <see cref="RateLimitingOptions.FailClosed"/> does. A middleware of its own rather than ASP.NET
/// Core's rate limiter: that one takes a lease object and records its own histograms per request,
/// and counted every request decided by Redis as queued.
/// </summary>
internal sealed class RateLimitingMiddleware
{
    private static readonly TimeSpan FailedClosedRetryAfter = TimeSpan.FromSeconds(1);

    private readonly RequestDelegate _next;
    private readonly ClientLeases _leases;
    private readonly IProblemDetailsService _problems;
    private readonly RateLimitPolicy _reads;
    private readonly RateLimitPolicy _writes;
    private readonly bool _failClosed;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _waits;

    public RateLimitingMiddleware(
        RequestDelegate next, ClientLeases leases, IProblemDetailsService problems, IOptions<RateLimitingOptions> options, IMeterFactory meterFactory)
    {
        _next = next;
        _leases = leases;
        _problems = problems;
        var settings = options.Value;
        _reads = new RateLimitPolicy("reads", settings.ReadsPerWindow, settings.KnownApiKeys);
        _writes = new RateLimitPolicy("writes", settings.WritesPerWindow, settings.KnownApiKeys);
        _failClosed = settings.FailClosed;
        _decisions = meterFactory.Create(BalancingMetrics.MeterName).CreateCounter<long>(
            "scalefast.rate_limit.decisions", unit: "{decision}",
            description: "Rate-limit decisions by policy (reads, writes) and result (allowed, rejected, redis_failed_allowed, redis_failed_rejected).");
        _waits = meterFactory.Create(BalancingMetrics.MeterName).CreateHistogram<double>(
            "scalefast.rate_limit.wait.duration", unit: "s",
            description: "Time requests waited for Redis to decide, by policy: only those their gateway could not decide from a lease at once.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5] });
    }

    /// <summary>Only what the gateway routes is limited; its own health and metrics are not.</summary>
    public Task InvokeAsync(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") ? LimitAsync(context) : _next(context);

    private Task LimitAsync(HttpContext context)
    {
        var policy = ReadMethods.Includes(context.Request.Method) ? _reads : _writes;
        var decision = _leases.DecideAsync(policy.KeyOf(context), policy.Limit);
        // Most requests are decided from a lease at once: they go on with no async frame of this
        // middleware's around the rest of the pipeline.
        return decision.IsCompletedSuccessfully ? Apply(context, policy, decision.Result) : LimitLaterAsync(context, policy, decision);
    }

    private async Task LimitLaterAsync(HttpContext context, RateLimitPolicy policy, ValueTask<RateLimitDecision> decision)
    {
        var waitedFrom = Stopwatch.GetTimestamp();
        var decided = await decision;
        _waits.Record(Stopwatch.GetElapsedTime(waitedFrom).TotalSeconds, new KeyValuePair<string, object?>("policy", policy.Name));
        await Apply(context, policy, decided);
    }

    /// <summary>Records the decision and sets the headers; then the request goes on, or is refused.</summary>
    private Task Apply(HttpContext context, RateLimitPolicy policy, RateLimitDecision decision)
    {
        bool admitted;
        TimeSpan retryAfter;
        if (decision.Outcome == RateLimitOutcome.Unavailable)
        {
            admitted = !_failClosed;
            retryAfter = FailedClosedRetryAfter;
            Record(context, policy, admitted ? "redis_failed_allowed" : "redis_failed_rejected");
        }
        else
        {
            admitted = decision.Outcome == RateLimitOutcome.Allowed;
            retryAfter = decision.Reset;
            Record(context, policy, admitted ? "allowed" : "rejected");
            var headers = context.Response.Headers;
            headers["RateLimit-Limit"] = policy.LimitHeader;
            headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["RateLimit-Reset"] = Seconds(decision.Reset);
        }

        return admitted ? _next(context) : RejectAsync(context, retryAfter);
    }

    /// <summary>Counts the decision, and tags the request's span with it (Redis commands have no spans of their own).</summary>
    private void Record(HttpContext context, RateLimitPolicy policy, string result)
    {
        _decisions.Add(1, new KeyValuePair<string, object?>("policy", policy.Name), new KeyValuePair<string, object?>("result", result));
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("scalefast.rate_limit.policy", policy.Name);
            activity.SetTag("scalefast.rate_limit.result", result);
        }
    }

    private async Task RejectAsync(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Seconds(retryAfter);
        await _problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"This client has used its requests for the window; retry after {Seconds(retryAfter)} s.",
            },
        });
    }

    /// <summary>Whole seconds, rounded up: a client that waits that long finds a slot.</summary>
    private static string Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
