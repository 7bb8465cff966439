using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ScaleFast.Gateway.RateLimiting;

/// <summary>
/// The gateway's limiter for ASP.NET Core's rate-limiting middleware (so its metrics and
/// <c>OnRejected</c> apply): <c>/api</c> requests are partitioned per client (a known API key,
/// else the client address; an unknown key counts as none) and policy (reads, writes), and each
/// decision is one <see cref="SlidingWindowLog"/> call. Every limited response carries
/// <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c>. When Redis does not
/// answer within <see cref="RateLimitingOptions.RedisTimeout"/>, <see cref="RateLimitingOptions.FailClosed"/> decides.
/// </summary>
internal sealed partial class RedisRateLimiter : PartitionedRateLimiter<HttpContext>
{
    public const string MeterName = "ScaleFast.Gateway";

    private static readonly RateLimitLease Unlimited = new Lease(true, null);

    // The middleware tries a synchronous acquire first; a Redis round trip is never synchronous,
    // so this sends every limited request on to AcquireAsync.
    private static readonly RateLimitLease DecideAsynchronously = new Lease(false, null);

    private readonly SlidingWindowLog _log;
    private readonly RateLimitingOptions _options;
    private readonly ILogger<RedisRateLimiter> _logger;
    private readonly Counter<long> _decisions;
    private readonly HashSet<string> _knownKeys;
    private long _lastFailureLogTicks;

    public RedisRateLimiter(IConnectionMultiplexer redis, IOptions<RateLimitingOptions> options, IMeterFactory meterFactory, ILogger<RedisRateLimiter> logger)
    {
        _log = new SlidingWindowLog(redis);
        _options = options.Value;
        _logger = logger;
        _knownKeys = [.. _options.KnownApiKeys];
        _decisions = meterFactory.Create(MeterName).CreateCounter<long>(
            "scalefast.rate_limit.decisions", unit: "{decision}",
            description: "Rate-limit decisions by policy (reads, writes) and result (allowed, rejected, redis_failed_allowed, redis_failed_rejected).");
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        IsLimited(resource) ? DecideAsynchronously : Unlimited;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        if (!IsLimited(resource))
        {
            return Unlimited;
        }

        var (policy, limit) = ReadMethods.Includes(resource.Request.Method)
            ? ("reads", _options.ReadsPerWindow)
            : ("writes", _options.WritesPerWindow);

        SlidingWindowDecision decision;
        try
        {
            decision = await _log.TryAdmitAsync($"{policy}:{ClientOf(resource)}", limit, _options.Window)
                .WaitAsync(_options.RedisTimeout, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return Unavailable(resource, policy, e);
        }

        Record(resource, policy, decision.Admitted ? "allowed" : "rejected");
        var headers = resource.Response.Headers;
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = Seconds(decision.Reset);
        return new Lease(decision.Admitted, decision.Admitted ? null : decision.Reset);
    }

    /// <summary>Only what the gateway routes is limited; its own health and metrics are not.</summary>
    private static bool IsLimited(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    /// <summary>A known API key (hashed: keys never go to Redis), else the client address.</summary>
    private string ClientOf(HttpContext context)
    {
        if (context.Request.Headers["X-Api-Key"] is [{ } key] && _knownKeys.Contains(key))
        {
            return $"key:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16]}";
        }

        return $"ip:{context.Connection.RemoteIpAddress}";
    }

    private Lease Unavailable(HttpContext context, string policy, Exception exception)
    {
        var failClosed = _options.FailClosed;
        Record(context, policy, failClosed ? "redis_failed_rejected" : "redis_failed_allowed");

        // One warning per 10 s at most: an outage must not flood the log.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureLogTicks);
        if (now - last > 10_000 && Interlocked.CompareExchange(ref _lastFailureLogTicks, now, last) == last)
        {
            LogRedisUnavailable(exception, failClosed ? "refused" : "let through");
        }

        return new Lease(!failClosed, failClosed ? TimeSpan.FromSeconds(1) : null);
    }

    /// <summary>Counts the decision, and tags the request's span with it (Redis commands have no spans of their own).</summary>
    private void Record(HttpContext context, string policy, string result)
    {
        _decisions.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("result", result));
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("scalefast.rate_limit.policy", policy);
            activity.SetTag("scalefast.rate_limit.result", result);
        }
    }

    internal static string Seconds(TimeSpan span) => ((int)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rate limiter cannot reach Redis; requests are {Outcome} until it answers.")]
    private partial void LogRedisUnavailable(Exception exception, string outcome);

    private sealed class Lease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
