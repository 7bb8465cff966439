using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ScaleFast.AppHost.Kubernetes;

/// <summary>
/// Turns the environment (and arguments) the app model gives a resource in publish mode into a
/// container's environment: literals stay, endpoints become Service names and ports, secret
/// parameters and managed services' connection strings become references to the Secret, the
/// instance's own name becomes the pod's. Kubernetes expands <c>$(NAME)</c> in a value from
/// variables defined before it, so a secret inside a connection string is a helper variable
/// (<see cref="ClusterLayout.HelperPrefix"/>) listed first.
/// </summary>
internal sealed partial class EnvironmentRenderer(ClusterLayout layout, IResource self, DistributedApplicationExecutionContext executionContext)
{
    private const string PodNameHelperSuffix = "POD_NAME";

    private readonly Dictionary<string, V1EnvVar> _helpers = new(StringComparer.Ordinal);
    private readonly ServiceKind? _kind = layout.KindOf(self);

    /// <summary>The resource's environment as the container's, keys of other instances of a kind written once under the kind's name.</summary>
    public async Task<IList<V1EnvVar>> RenderEnvironmentAsync(CancellationToken cancellationToken)
    {
        var configuration = await ConfigurationAsync(builder => builder.WithEnvironmentVariablesConfig(), cancellationToken);
        var rendered = new List<V1EnvVar>();
        foreach (var (key, (unprocessed, _)) in configuration.EnvironmentVariablesWithUnprocessed)
        {
            var variable = await RenderAsync(layout.KeyOnCluster(key), unprocessed, cancellationToken);
            if (rendered.FirstOrDefault(v => v.Name == variable.Name) is { } same)
            {
                // One key per instance of another kind (the gateway's destinations): on the cluster they are one.
                if (!Equal(same, variable))
                {
                    throw new InvalidOperationException($"'{self.Name}': {key} maps to {variable.Name}, which another variable already sets to something else.");
                }

                continue;
            }

            rendered.Add(variable);
        }

        return [.. _helpers.Values, .. rendered];
    }

    /// <summary>The resource's arguments (servers), rendered like values.</summary>
    public async Task<IList<string>> RenderArgumentsAsync(CancellationToken cancellationToken)
    {
        var configuration = await ConfigurationAsync(builder => builder.WithArgumentsConfig(), cancellationToken);
        var arguments = new List<string>();
        foreach (var argument in configuration.ArgumentsWithUnprocessed)
        {
            arguments.Add(await InlineAsync(argument.Unprocessed, format: null, cancellationToken));
        }

        return arguments;
    }

    /// <summary>What the model gives the resource in publish mode, values unprocessed (as the manifest publisher reads them).</summary>
    private async Task<IExecutionConfigurationResult> ConfigurationAsync(
        Func<IExecutionConfigurationBuilder, IExecutionConfigurationBuilder> gather, CancellationToken cancellationToken)
    {
        var configuration = await gather(ExecutionConfigurationBuilder.Create(self)).BuildAsync(executionContext, NullLogger.Instance, cancellationToken);
        return configuration.Exception is null ? configuration : throw configuration.Exception;
    }

    /// <summary>The variables that must precede the environment (secrets and the pod's name expanded into values).</summary>
    public IReadOnlyCollection<V1EnvVar> Helpers => _helpers.Values;

    private async Task<V1EnvVar> RenderAsync(string key, object? value, CancellationToken cancellationToken) => value switch
    {
        string s when s == self.Name => new V1EnvVar { Name = key, ValueFrom = PodName() },
        ParameterResource { Secret: true } parameter => new V1EnvVar { Name = key, ValueFrom = SecretKey(parameter.Name, $"the '{parameter.Name}' parameter") },
        ConnectionStringReference reference when layout.IsManaged(reference.Resource) => new V1EnvVar { Name = key, ValueFrom = ManagedConnectionString(reference.Resource) },
        IResourceWithConnectionString resource when layout.IsManaged(resource) => new V1EnvVar { Name = key, ValueFrom = ManagedConnectionString(resource) },
        _ => new V1EnvVar { Name = key, Value = await InlineAsync(value, format: null, cancellationToken) },
    };

    private async Task<string> InlineAsync(object? value, string? format, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case null:
                return string.Empty;
            case string s:
                return OwnNameAsPodName(s.Replace("$(", "$$(", StringComparison.Ordinal));
            case ParameterResource { Secret: true } parameter:
                // Secrets are generated as hex (README), so the "uri" format needs no escaping.
                return Helper(ClusterLayout.HelperName("SECRET_" + parameter.Name), SecretKey(parameter.Name, $"the '{parameter.Name}' parameter"));
            case ParameterResource parameter:
                var literal = await parameter.GetValueAsync(cancellationToken) ?? string.Empty;
                return format == "uri" ? Uri.EscapeDataString(literal) : literal;
            case ConnectionStringReference reference:
                return await InlineAsync(reference.Resource, format, cancellationToken);
            case IResourceWithConnectionString resource when layout.IsManaged(resource):
                return Helper(ClusterLayout.HelperName("SECRET_" + ClusterLayout.ConnectionStringKey(resource.Name)), ManagedConnectionString(resource));
            case IResourceWithConnectionString resource:
                return await InlineAsync(resource.ConnectionStringExpression, format, cancellationToken);
            case ReferenceExpression { IsConditional: true } conditional:
                var condition = await InlineAsync(conditional.Condition, format: null, cancellationToken);
                var branch = string.Equals(condition, conditional.MatchValue, StringComparison.OrdinalIgnoreCase) ? conditional.WhenTrue : conditional.WhenFalse;
                return await InlineAsync(branch, format, cancellationToken);
            case ReferenceExpression expression:
                var parts = new object[expression.ValueProviders.Count];
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = await InlineAsync(expression.ValueProviders[i], expression.StringFormats[i], cancellationToken);
                }

                return string.Format(CultureInfo.InvariantCulture, OwnNameAsPodName(expression.Format.Replace("$(", "$$(", StringComparison.Ordinal)), parts);
            case EndpointReference endpoint:
                return Endpoint(endpoint, EndpointProperty.Url);
            case EndpointReferenceExpression expression:
                return Endpoint(expression.Endpoint, expression.Property);
            default:
                throw new InvalidOperationException($"'{self.Name}': a value of type {value.GetType().Name} has no Kubernetes form.");
        }
    }

    private string Endpoint(EndpointReference endpoint, EndpointProperty property)
    {
        var annotation = endpoint.EndpointAnnotation;
        var target = endpoint.Resource;
        var host = layout.ServiceName(target);
        var port = layout.ServicePort(annotation, target).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Host or EndpointProperty.IPV4Host => host,
            EndpointProperty.Port => port,
            EndpointProperty.TargetPort => layout.ContainerPort(annotation, target).ToString(CultureInfo.InvariantCulture),
            EndpointProperty.HostAndPort => $"{host}:{port}",
            EndpointProperty.Scheme => annotation.UriScheme,
            // No TLS inside the cluster; a managed service's connection string says for itself.
            EndpointProperty.TlsEnabled => bool.FalseString,
            EndpointProperty.Url when layout.KindOf(target) is { ResolvedPerPod: true } =>
                $"{ClusterLayout.PerPodScheme}{annotation.UriScheme}://{host}:{port}",
            EndpointProperty.Url => $"{annotation.UriScheme}://{host}:{port}",
            _ => throw new InvalidOperationException($"'{self.Name}': the endpoint property {property} has no Kubernetes form."),
        };
    }

    /// <summary>The instance's own name inside a value (<c>Application Name=api-0</c>) is its pod's name.</summary>
    private string OwnNameAsPodName(string literal)
    {
        if (_kind is null || !literal.Contains(self.Name, StringComparison.Ordinal))
        {
            return literal;
        }

        var podName = Helper(ClusterLayout.HelperName(PodNameHelperSuffix), PodName());
        return Regex.Replace(literal, $"(?<![A-Za-z0-9-]){Regex.Escape(self.Name)}(?![A-Za-z0-9-])", podName.Replace("$", "$$", StringComparison.Ordinal));
    }

    private string Helper(string name, V1EnvVarSource source)
    {
        _helpers.TryAdd(name, new V1EnvVar { Name = name, ValueFrom = source });
        return $"$({name})";
    }

    private V1EnvVarSource SecretKey(string key, string meaning) =>
        new() { SecretKeyRef = new V1SecretKeySelector { Name = ClusterLayout.SecretName, Key = layout.UseSecret(key, meaning) } };

    private V1EnvVarSource ManagedConnectionString(IResource resource) =>
        SecretKey(ClusterLayout.ConnectionStringKey(resource.Name), $"the connection string of the managed '{resource.Name}'");

    private static V1EnvVarSource PodName() => new() { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } };

    private static bool Equal(V1EnvVar a, V1EnvVar b) =>
        a.Value == b.Value && a.ValueFrom?.SecretKeyRef?.Key == b.ValueFrom?.SecretKeyRef?.Key && a.ValueFrom?.FieldRef?.FieldPath == b.ValueFrom?.FieldRef?.FieldPath;
}
