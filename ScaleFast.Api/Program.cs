using ScaleFast.Api.Extensions;

var app = await WebApplication.CreateBuilder(args).BuildApiAsync();
await app.RunAsync();
