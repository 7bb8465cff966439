-- ScaleFast schema, version 2: what the worker needs to relay and consume exactly once.

-- A row the relay cannot publish (unknown type, unreadable payload) keeps its reason here and
-- leaves the pending set, instead of blocking the rows behind it.
ALTER TABLE outbox ADD COLUMN error text;

DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (created_at) WHERE sent_at IS NULL AND error IS NULL;

-- Sent rows are deleted after a retention period, oldest first.
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Messages a consumer has had its effect for, written in the same transaction as that effect:
-- a redelivered message finds its row and has no second effect.
CREATE TABLE inbox (
    message_id   uuid        NOT NULL,
    consumer     text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, consumer)
);

CREATE INDEX inbox_processed_at ON inbox (processed_at);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

ALTER TABLE reports ADD COLUMN started_at timestamptz;
