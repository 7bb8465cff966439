using System.Reflection;

namespace ScaleFast.Contracts;

/// <summary>
/// The stable name of a message in the outbox's <c>type</c> column: a row waits there across
/// deployments, so it must not name a CLR type that a rename or a move would orphan.
/// </summary>
/// <param name="name">Lowercase words joined by dashes, never changed once rows may carry it.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class MessageNameAttribute(string name) : Attribute
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;
}

/// <summary>Looks up <see cref="MessageNameAttribute"/> names both ways.</summary>
public static class MessageNames
{
    /// <summary>The name of <paramref name="type"/>; a type without one cannot go through the outbox.</summary>
    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.GetCustomAttribute<MessageNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{type.FullName} has no [MessageName]: give it a stable name before writing it to the outbox.");
    }

    /// <summary>Every named message type of <paramref name="assemblies"/>, by name (this assembly's when none is given).</summary>
    public static IReadOnlyDictionary<string, Type> In(params Assembly[] assemblies) =>
        (assemblies.Length == 0 ? [typeof(MessageNames).Assembly] : assemblies)
            .SelectMany(assembly => assembly.GetExportedTypes())
            .Where(type => type.GetCustomAttribute<MessageNameAttribute>() is not null)
            .ToDictionary(type => Of(type), StringComparer.Ordinal);
}
