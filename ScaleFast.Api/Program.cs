using ScaleFast.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();

app.UseApiPipeline();
app.MapApi();

await app.MigrateDatabaseAsync();
await app.RunAsync();
