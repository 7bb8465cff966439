-- ScaleFast schema, version 1: catalog, orders, report requests and the outbox.

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text          NOT NULL UNIQUE,
    name        text          NOT NULL,
    description text          NOT NULL DEFAULT '',
    category    text          NOT NULL,
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    -- Stock changes with every order: it is never cached and does not move the version (ETag).
    stock       integer       NOT NULL CHECK (stock >= 0),
    version     integer       NOT NULL DEFAULT 1,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now()
);

-- Keyset pagination within a category: WHERE category = $1 AND id > $2 ORDER BY id LIMIT $3.
CREATE INDEX products_category_id ON products (category, id);

CREATE TABLE orders (
    id             uuid          PRIMARY KEY,
    customer_email text          NOT NULL,
    total          numeric(14,2) NOT NULL,
    placed_at      timestamptz   NOT NULL DEFAULT now()
);

CREATE INDEX orders_placed_at ON orders (placed_at);

-- Lines keep the product's name and price at the time of the order; no foreign key, so that a
-- product can be deleted without rewriting order history.
CREATE TABLE order_lines (
    order_id     uuid          NOT NULL REFERENCES orders (id),
    line_number  integer       NOT NULL,
    product_id   bigint        NOT NULL,
    product_name text          NOT NULL,
    unit_price   numeric(12,2) NOT NULL,
    quantity     integer       NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, line_number)
);

-- A retried POST /api/orders with the same Idempotency-Key returns the order it created.
CREATE TABLE idempotency_keys (
    key          text        PRIMARY KEY,
    request_hash bytea       NOT NULL,
    -- Deferred: the key is claimed first, so that a concurrent retry waits on it before taking any stock.
    order_id     uuid        NOT NULL REFERENCES orders (id) DEFERRABLE INITIALLY DEFERRED,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reports (
    id             uuid        PRIMARY KEY,
    kind           text        NOT NULL,
    from_date      date        NOT NULL,
    to_date        date        NOT NULL,
    status         text        NOT NULL DEFAULT 'requested'
                               CHECK (status IN ('requested', 'running', 'done', 'failed')),
    failure_reason text,
    content        text,
    requested_at   timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz
);

-- Messages written in the same transaction as the rows they announce; the worker's relay
-- publishes them to RabbitMQ and sets sent_at.
CREATE TABLE outbox (
    id          uuid        PRIMARY KEY,
    type        text        NOT NULL,
    payload     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);

CREATE INDEX outbox_pending ON outbox (created_at) WHERE sent_at IS NULL;
