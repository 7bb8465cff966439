#!/usr/bin/env bash
# What a dependency's failure does to the system under load, and how fast it recovers.
# Starts the app (Release, local mode, Production, traces kept for 1 %) through bench/FaultBench,
# loads the gateway with 16 readers of random demo products (10,000 client addresses) and one
# order every 100 ms, and runs each of the dashboard's fault commands in turn while the load goes
# on: api-1 killed, Redis hung, Redis killed, Postgres stopped, Postgres hung, RabbitMQ stopped.
# Prints, per fault: reads and failed reads by status, p99 during the fault, the share of cached
# reads answered, orders accepted, and the seconds after the fault until nothing fails; then
# orders accepted against confirmation emails delivered (none lost, none twice).
# Goals: Redis hung or down: 0 failed reads, p99 < 1 s; Postgres down: >= 99 % of cached reads
# answered, writes get 503 + Retry-After, recovery <= 5 s; replica killed: <= 5 failed requests;
# every accepted order's email delivered exactly once.
#   bench/faults.sh [SECONDS per fault]   (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."
eng/prerequisites.sh
dotnet build bench/FaultBench -c Release -v quiet -nologo >/dev/null
exec dotnet bench/FaultBench/bin/Release/net10.0/ScaleFast.FaultBench.dll "$@"
