using System.Collections.Frozen;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// The message types an outbox row may name: the records of <c>ScaleFast.Contracts</c>, by full
/// CLR name (what the API writes in <c>outbox.type</c>).
/// </summary>
internal static class OutboxMessageTypes
{
    private static readonly FrozenDictionary<string, Type> ByName = typeof(OrderPlaced).Assembly.GetExportedTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && type.Namespace == typeof(OrderPlaced).Namespace)
        .ToFrozenDictionary(type => type.FullName!, StringComparer.Ordinal);

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);
}
