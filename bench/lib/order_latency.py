#!/usr/bin/env python3
"""Order-to-email latency: places orders at a steady rate through an API instance, then reads
each confirmation's arrival time from the mail sink (smtp4dev's API) and prints p50 and p99 of
(email received - order placed), both stamped on this machine's clock.

usage: order_latency.py API_URL MAIL_URL MAIL_USER MAIL_PASSWORD RATE SECONDS [TIMELINE_FILE]
"""
import base64
import json
import sys
import threading
import time
import urllib.request
from datetime import datetime

api, mail, user, password, rate, seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def stamp(text):
    # .NET writes 7 fractional digits; Python takes 6.
    text = text.replace("Z", "+00:00")
    head, _, tail = text.partition(".")
    if tail:
        digits = "".join(c for c in tail if c.isdigit())
        zone = tail[len(digits):]
        text = f"{head}.{digits[:6]}{zone}"
    return datetime.fromisoformat(text).timestamp()


placed = {}
failures = []
lock = threading.Lock()


def place(sequence):
    body = json.dumps({"customerEmail": f"latency{sequence}@example.com", "lines": [{"productId": 1 + sequence % 500, "quantity": 1}]}).encode()
    request = urllib.request.Request(f"{api}/api/orders", data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            order = json.load(response)
        with lock:
            placed[order["id"]] = stamp(order["placedAt"])
    except Exception as error:  # noqa: BLE001 - reported below
        with lock:
            failures.append(str(error))


threads = []
start = time.monotonic()
total = int(rate * seconds)
for sequence in range(total):
    delay = start + sequence / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    thread = threading.Thread(target=place, args=(sequence,))
    thread.start()
    threads.append(thread)
for thread in threads:
    thread.join()
if failures:
    sys.exit(f"{len(failures)} of {total} orders failed, e.g. {failures[0]}")

received = {}
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    request = urllib.request.Request(f"{mail}/api/messages?pageSize=1000000", headers={"Authorization": auth})
    with urllib.request.urlopen(request, timeout=30) as response:
        for message in json.load(response)["results"]:
            words = message["subject"].split()
            if len(words) > 2 and words[2] in placed:
                received[words[2]] = stamp(message["receivedDate"])
    if len(received) == len(placed):
        break
    time.sleep(1)
if len(received) != len(placed):
    sys.exit(f"only {len(received)} of {len(placed)} confirmations arrived within 120 s")

latencies = sorted((received[order] - placed[order]) * 1000 for order in placed)
if len(sys.argv) > 7:
    # A timeline for diagnosis: seconds since the first order, latency in ms.
    first = min(placed.values())
    with open(sys.argv[7], "w") as timeline:
        for order in sorted(placed, key=placed.get):
            timeline.write(f"{placed[order] - first:.2f} {(received[order] - placed[order]) * 1000:.0f}\n")


def percentile(p):
    return latencies[min(len(latencies) - 1, int(round(p / 100 * len(latencies) + 0.5)) - 1)]


print(f"{len(latencies)} {percentile(50):.1f} {percentile(99):.1f} {latencies[-1]:.1f}")
