-- Outbox rows name their message by a stable name (ScaleFast.Contracts' [MessageName]), no longer
-- by CLR type: rows still pending from before keep their message under the new name.
UPDATE outbox SET type = 'order-placed' WHERE type = 'ScaleFast.Contracts.OrderPlaced';
UPDATE outbox SET type = 'report-requested' WHERE type = 'ScaleFast.Contracts.ReportRequested';
UPDATE outbox SET type = 'benchmark-job-requested' WHERE type = 'ScaleFast.Contracts.BenchmarkJobRequested';
UPDATE outbox SET type = 'benchmark-batched-job-requested' WHERE type = 'ScaleFast.Contracts.BenchmarkBatchedJobRequested';
