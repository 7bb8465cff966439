using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ScaleFast.Api.Http;

/// <summary>
/// A database that cannot be reached (down, restarting, a pooled connection it closed) is the
/// service being unavailable for a moment, not a server bug: 503 ProblemDetails with
/// <c>Retry-After</c>, instead of a 500. Nothing was committed: the request's transaction, if it
/// began, rolled back with the connection.
/// </summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(
    IProblemDetailsService problemDetails, NpgsqlDataSource dataSource, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    private const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not NpgsqlException { IsTransient: true } || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, exception.Message);
        // The idle connections the pool holds are likely as dead as this one (a restarted server
        // closed them all): drop them, so that the next requests open new ones instead of each
        // failing on a dead connection first.
        dataSource.Clear();
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = "The request was not carried out; retry shortly.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable; answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
