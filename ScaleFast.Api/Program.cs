using Scalar.AspNetCore;
using ScaleFast.Api.Catalog;
using ScaleFast.Api.Data;
using ScaleFast.Api.Extensions;
using ScaleFast.Api.Http;
using ScaleFast.Api.Instance;
using ScaleFast.Api.Orders;
using ScaleFast.Api.Reports;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestBodyLimit();

// After the status code pages, so that a 401 gets a ProblemDetails body too.
app.UseAuthentication();
app.UseAuthorization();

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

await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();
