namespace ScaleFast.Hosting.Local;

/// <summary>
/// Holds a resource's connection string once Aspire has resolved it, for the AppHost's own health
/// checks and set-up steps, which run before anything else could ask for it.
/// </summary>
internal sealed class ConnectionStringCapture
{
    private string? _value;

    private ConnectionStringCapture()
    {
    }

    public string Value => _value ?? throw new InvalidOperationException("The connection string is not available yet.");

    public static ConnectionStringCapture For(IDistributedApplicationBuilder builder, IResourceWithConnectionString resource)
    {
        var capture = new ConnectionStringCapture();
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, ct) =>
            capture._value = await resource.ConnectionStringExpression.GetValueAsync(ct));
        return capture;
    }
}
