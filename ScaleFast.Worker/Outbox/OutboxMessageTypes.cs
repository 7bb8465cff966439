using System.Collections.Frozen;
using ScaleFast.Contracts;

namespace ScaleFast.Worker.Outbox;

/// <summary>
/// The message types an outbox row may name: the records of <c>ScaleFast.Contracts</c>, by their
/// stable <see cref="MessageNameAttribute"/> name (what the API writes in <c>outbox.type</c>).
/// </summary>
internal static class OutboxMessageTypes
{
    private static readonly FrozenDictionary<string, Type> ByName = MessageNames.In().ToFrozenDictionary(StringComparer.Ordinal);

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);
}
