using Scalar.AspNetCore;
using ScaleFast.Api.Catalog;
using ScaleFast.Api.Data;
using ScaleFast.Api.Http;
using ScaleFast.Api.Instance;
using ScaleFast.Api.Orders;
using ScaleFast.Api.Reports;

namespace ScaleFast.Api.Extensions;

/// <summary>The API's composition, in one place for the service and for in-process tests.</summary>
internal static class ApiApplicationExtensions
{
    /// <summary>
    /// The API as an instance runs it: service defaults, services, pipeline and endpoints, with the
    /// schema and demo data brought up to date and the cache's path to Redis warmed; ready to start.
    /// </summary>
    public static async Task<WebApplication> BuildApiAsync(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddApiServices();

        var app = builder.Build();
        app.UseApiPipeline();
        app.MapApi();
        await app.MigrateDatabaseAsync();
        await app.Services.GetRequiredService<ResilientDistributedCache>().WarmUpAsync(app.Lifetime.ApplicationStopping);
        return app;
    }

    /// <summary>The middleware in front of the endpoints, in order.</summary>
    private static WebApplication UseApiPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestBodyLimit();

        // After the status code pages, so that a 401 gets a ProblemDetails body too.
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Health, metrics, the OpenAPI document and every area's endpoints.</summary>
    private static WebApplication MapApi(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        app.MapInstanceApi();
        app.MapCatalogApi();
        app.MapOrdersApi();
        app.MapReportsApi();
        app.MapBenchmarkEndpoints();
        return app;
    }

    /// <summary>Brings the schema and the demo data up to date before the instance serves (under an advisory lock: instances may start together).</summary>
    private static Task MigrateDatabaseAsync(this WebApplication app) =>
        app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
}
