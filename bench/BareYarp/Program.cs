// YARP and nothing else, for bench/gateway.sh: the gateway's route (/api/**) and round robin over
// the same API instances, without telemetry, health checks, rate limiting, retries or service
// defaults. What the runtime and YARP cost alone: the gateway is measured against it.
//   BareYarp --urls http://127.0.0.1:PORT --Destinations:0 http://... --Destinations:1 http://...
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var destinations = builder.Configuration.GetSection("Destinations").Get<string[]>() is { Length: > 0 } addresses
    ? addresses
    : throw new InvalidOperationException("Give the API instances: --Destinations:0 http://... --Destinations:1 http://...");

builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "api", ClusterId = "api", Match = new RouteMatch { Path = "/api/{**rest}" } }],
    [
        new ClusterConfig
        {
            ClusterId = "api",
            LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
            Destinations = destinations
                .Select((address, i) => (Name: $"api-{i}", Config: new DestinationConfig { Address = address }))
                .ToDictionary(d => d.Name, d => d.Config),
        },
    ]);

var app = builder.Build();
app.MapReverseProxy();
app.Run();
