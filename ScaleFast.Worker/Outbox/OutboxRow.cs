namespace ScaleFast.Worker.Outbox;

/// <summary>A pending outbox row: its id becomes the message id, which consumers' inboxes key on.</summary>
internal sealed record OutboxRow(Guid Id, string Type, string Payload, DateTime CreatedAt);
