namespace ScaleFast.Api.Catalog;

/// <summary>
/// Cache keys whose invalidation could not reach Redis (the L2 removal, or the broadcast to the
/// other instances): <see cref="CacheInvalidationBus"/> does them again once Redis answers, so a
/// stale copy does not outlive the outage by more than a moment. Bounded: past
/// <see cref="Capacity"/> keys the oldest are dropped, and those copies end with their expiration.
/// </summary>
internal sealed class PendingInvalidations
{
    public const int Capacity = 10_000;

    private readonly LinkedList<string> _order = [];
    private readonly Dictionary<string, LinkedListNode<string>> _keys = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    public void Add(string key)
    {
        lock (_gate)
        {
            if (_keys.ContainsKey(key))
            {
                return;
            }

            if (_keys.Count == Capacity)
            {
                _keys.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }

            _keys[key] = _order.AddLast(key);
        }
    }

    /// <summary>The keys pending now, oldest first.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _order];
        }
    }

    /// <summary>Done: <paramref name="key"/> no longer needs invalidating (unless added again since).</summary>
    public void Remove(string key)
    {
        lock (_gate)
        {
            if (_keys.Remove(key, out var node))
            {
                _order.Remove(node);
            }
        }
    }
}
