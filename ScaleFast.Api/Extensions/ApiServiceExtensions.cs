using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using ScaleFast.Api.Catalog;
using ScaleFast.Api.Data;
using ScaleFast.Api.Http;
using ScaleFast.Api.Orders;
using ScaleFast.Api.Reports;
using ScaleFast.Api.Security;
using ScaleFast.Settings;
using StackExchange.Redis;

namespace ScaleFast.Api.Extensions;

internal static class ApiServiceExtensions
{
    public static WebApplicationBuilder AddApiServices(this WebApplicationBuilder builder)
    {
        builder.AddHttpErrorHandling();

        // Readiness is "this instance can serve": Postgres is in it (an instance cut off from the
        // database leaves the gateway's pool), Redis is not (a cache: without it reads go to
        // Postgres, and a Redis outage must not take every instance out at once).
        // The pool settings come in the connection string, computed by the AppHost for the fleet.
        builder.AddNpgsqlDataSource(ApiConnectionNames.Database);
        builder.AddRedisClient(
            ApiConnectionNames.Redis,
            settings => settings.DisableHealthChecks = true,
            // While the connection is down, commands fail at once instead of queuing for it.
            options => options.BacklogPolicy = BacklogPolicy.FailFast);

        builder.Services.AddOpenApi();
        builder.AddApiKeyAuthentication();

        builder.AddValidatedOptions<InstanceOptions>(InstanceOptions.SectionName);
        builder.AddValidatedOptions<DemoDataOptions>(DemoDataOptions.SectionName);
        builder.Services.AddSingleton<DatabaseMigrator>();

        builder.AddCatalog();
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<ReportStore>();

        return builder;
    }

    /// <summary>
    /// Bad input gets a ProblemDetails answer that says what was wrong: the framework's binding
    /// errors are thrown (not answered with an empty 400) and caught by <see cref="BadRequestExceptionHandler"/>;
    /// the validation attributes on request types and parameters answer a ValidationProblem that
    /// names each field as the client wrote it.
    /// </summary>
    private static void AddHttpErrorHandling(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ValidationFieldNames.UseJsonNames);
        builder.Services.AddValidation();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options => options.SerializerOptions.RespectNullableAnnotations = true);
        builder.WebHost.ConfigureKestrel(RequestBodyLimit.Apply);
    }

    /// <summary>Products: Postgres behind HybridCache, L1 in memory and L2 in Redis (the connection Aspire made).</summary>
    private static void AddCatalog(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<CatalogOptions>(CatalogOptions.SectionName);

        builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((options, services) =>
        {
            var connection = services.GetRequiredService<IConnectionMultiplexer>();
            options.ConnectionMultiplexerFactory = () => Task.FromResult(connection);
            options.InstanceName = ProductCache.RedisKeyPrefix;
        });
        // HybridCache's L2 is Redis behind a time limit and a circuit breaker.
        builder.Services.AddSingleton<PendingInvalidations>();
        builder.Services.AddSingleton(services => new ResilientDistributedCache(
            new RedisCache(services.GetRequiredService<IOptions<RedisCacheOptions>>()),
            services.GetRequiredService<PendingInvalidations>(),
            services.GetRequiredService<CacheMetrics>(),
            services.GetRequiredService<IOptions<CatalogOptions>>(),
            services.GetRequiredService<ILogger<ResilientDistributedCache>>()));
        builder.Services.AddSingleton<IDistributedCache>(services => services.GetRequiredService<ResilientDistributedCache>());
        builder.Services.AddHybridCache();

        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<ProductCache>();
        builder.Services.AddSingleton<CacheMetrics>();
        builder.Services.AddSingleton<CacheInvalidationBus>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CacheInvalidationBus>());
    }

    private static void AddValidatedOptions<TOptions>(this WebApplicationBuilder builder, string section) where TOptions : class =>
        builder.Services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
}
