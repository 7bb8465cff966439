using ScaleFast.Api.Extensions;
using ScaleFast.Api.Instance;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapInstanceApi();

app.Run();
