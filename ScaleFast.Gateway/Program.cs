using ScaleFast.Gateway.Extensions;
using ScaleFast.Gateway.RateLimiting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

// First: the client's address is known before anything logs, limits or balances by it.
app.UseForwardedHeaders();
app.UseExceptionHandler();
// The gateway's own errors (404, 413, 502, 503, 504) get ProblemDetails bodies.
app.UseStatusCodePages();
app.UseRequestTimeouts();
app.UseGatewayRateLimiting();

app.MapDefaultEndpoints();
app.MapGateway();

app.Run();
