#!/usr/bin/env bash
# Benchmark: a campaign's personalised emails delivered by Beacon's outbox loop, against
# the floor for one SMTP client, a plain Python script sending the same messages with
# smtplib over one connection, both to the same local SMTP sink in the same run.
#
# Beacon's side is the example `crates/beacon-app/examples/campaign_email_bench.rs`, a real
# campaign end to end: it imports N resident contacts into a fresh SQLite store, loads the
# shipped advice library and launches an email campaign to them (every recipient and its
# templated outbox message written in one transaction), then delivers them through
# `deliver_due_with` and `StoreOutbox` with `SmtpMailer` (plain text: Beacon's own SMTP
# client, one connection): each message is written out from the advice item pinned at
# launch with the recipient's own links and one-click List-Unsubscribe headers, the
# suppression list is checked before each send, and each claimed batch's sent states are
# committed in the store, in one transaction, right after the batch. The sink keeps the
# first message Beacon sent; Python sends the same messages (that message with each
# recipient's address, link token, Message-ID and Date put in, by plain string
# replacement, without the slow `email` package) with `smtplib` over one connection. The
# sink (written to /tmp by this script; asyncio, no packages) accepts every message and
# throws it away. Prints messages a second for each and the ratio (target: Beacon >= 0.8x
# the floor).
#
# The main comparison uses a sink that ACKs every segment at once (TCP_QUICKACK), so it
# measures the senders, not TCP timers. A second, short run uses a sink with normal
# delayed ACKs, where a client that leaves Nagle on and writes the DATA terminator in a
# segment of its own (lettre 0.11 did) stalls about 40 ms a message; Beacon's client sets
# TCP_NODELAY and writes body and terminator together.
#
# Usage: bench/campaign_email.sh [COUNT] [BATCH] [STALL_COUNT]
#   COUNT        messages (default 100000)
#   BATCH        messages Beacon claims at a time (default 25, Beacon's default)
#   STALL_COUNT  messages for the delayed-ACK run (default 300)
set -euo pipefail

COUNT="${1:-100000}"
BATCH="${2:-25}"
STALL_COUNT="${3:-300}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d /tmp/beacon-campaign-bench.XXXXXX)"
mkdir -p "$OUT"
command -v python3 >/dev/null || { echo "python3 is needed" >&2; exit 1; }

echo "Building the benchmark example (release)…" >&2
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p beacon-app --example campaign_email_bench
BENCH="$ROOT/target/release/examples/campaign_email_bench"

# --- the SMTP sink: accepts and discards --------------------------------------------
cat >"$WORK/sink.py" <<'PY'
import asyncio, socket, sys

QUICKACK = len(sys.argv) > 2 and sys.argv[2] == "quickack"
CAPTURE = sys.argv[3] if len(sys.argv) > 3 else None
captured = False

def ack_now(sock):
    if QUICKACK:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

async def session(reader, writer):
    sock = writer.get_extra_info("socket")
    writer.write(b"220 sink ESMTP\r\n")
    await writer.drain()
    messages = 0
    try:
        while True:
            ack_now(sock)
            line = await reader.readline()
            if not line:
                break
            verb = line[:4].upper()
            if verb in (b"EHLO",):
                writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                ack_now(sock)
                data = await reader.readuntil(b"\r\n.\r\n")
                global captured
                if CAPTURE and not captured:
                    captured = True
                    with open(CAPTURE, "wb") as f:
                        f.write(data[: -len(b".\r\n")])
                messages += 1
                writer.write(b"250 2.0.0 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                writer.write(b"250 ok\r\n")
            else:
                writer.write(b"502 not here\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()

async def main(port_file):
    server = await asyncio.start_server(session, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    with open(port_file, "w") as f:
        f.write(str(port))
    async with server:
        await server.serve_forever()

asyncio.run(main(sys.argv[1]))
PY
python3 "$WORK/sink.py" "$WORK/port" quickack "$WORK/first.eml" &
SINK=$!
python3 "$WORK/sink.py" "$WORK/port-delayed" plain "$WORK/first-delayed.eml" &
SINK_DELAYED=$!
trap 'kill "$SINK" "$SINK_DELAYED" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && [ -s "$WORK/port-delayed" ] && break; sleep 0.1; done
PORT="$(cat "$WORK/port")"
PORT_DELAYED="$(cat "$WORK/port-delayed")"

# --- the floor: smtplib, one connection, the same messages --------------------------
cat >"$WORK/floor.py" <<'PY'
# The floor: no email package (it is slow to build messages), just each message's bytes
# made from the first message Beacon sent (recipient i is resident{i}@residents.example
# with link token bench{i:010}), sent with smtplib.sendmail over one connection.
import re, smtplib, sys, time
from email.utils import formatdate

count, port, first = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
raw = open(first, "rb").read().decode()
# Undo the SMTP dot-stuffing: smtplib does its own.
template = "\r\n".join(line[1:] if line.startswith("..") else line for line in raw.split("\r\n"))
header = template.split("\r\n\r\n", 1)[0]
to0 = re.search(r"^To: (\S+)", header, re.M).group(1)
token0 = re.search(r"bench\d{10}", template).group(0)
message_id0 = re.search(r"^Message-ID: <([^>]+)>", header, re.M | re.I).group(1)
date0 = re.search(r"^Date: (.+)$", header, re.M).group(1)
assert template.count(token0) >= 4, "the links and unsubscribe headers carry the token"

FROM = "protect@beacon.example"
smtp = smtplib.SMTP("127.0.0.1", port)
smtp.ehlo("floor.bench")
start = time.perf_counter()
for index in range(count):
    to = f"resident{index}@residents.example"
    message = (
        template.replace(to0, to)
        .replace(token0, f"bench{index:010}")
        .replace(message_id0, f"floor-{index}@bench.beacon.example")
        .replace(date0, formatdate())
    )
    smtp.sendmail(FROM, [to], message.encode())
seconds = time.perf_counter() - start
smtp.quit()
print(f"{count} {seconds:.3f} {count / seconds:.1f}")
PY

echo "Beacon: importing $COUNT contacts and launching a campaign to them (SQLite)…" >&2
DB="$WORK/campaign.db"
"$BENCH" --database "$DB" --count "$COUNT" --phase launch >"$WORK/enqueue.json"
echo "Beacon: delivering through the outbox loop to the sink on port $PORT…" >&2
"$BENCH" --database "$DB" --count "$COUNT" --phase deliver --smtp "127.0.0.1:$PORT" --batch "$BATCH" >"$WORK/deliver.json"
echo "Floor: smtplib, one connection, the same $COUNT messages…" >&2
read -r _ FLOOR_SECONDS FLOOR_RATE < <(python3 "$WORK/floor.py" "$COUNT" "$PORT" "$WORK/first.eml")

# The same against a sink that delays its ACKs as TCP normally does (a few messages:
# lettre writes the DATA terminator as its own segment, which Nagle holds until the
# body's delayed ACK, about 40 ms a message).
echo "Both again, $STALL_COUNT messages, to a sink with delayed ACKs…" >&2
"$BENCH" --database "$WORK/stall.db" --count "$STALL_COUNT" --phase launch >/dev/null
"$BENCH" --database "$WORK/stall.db" --count "$STALL_COUNT" --phase deliver --smtp "127.0.0.1:$PORT_DELAYED" --batch "$BATCH" >"$WORK/stall.json"
read -r _ _ STALL_FLOOR_RATE < <(python3 "$WORK/floor.py" "$STALL_COUNT" "$PORT_DELAYED" "$WORK/first-delayed.eml")

python3 - "$WORK/enqueue.json" "$WORK/deliver.json" "$FLOOR_SECONDS" "$FLOOR_RATE" "$COUNT" "$BATCH" "$WORK/stall.json" "$STALL_FLOOR_RATE" <<'PY' | tee "$OUT/campaign_email.txt"
import json, sys
enqueue = json.load(open(sys.argv[1])); deliver = json.load(open(sys.argv[2]))
floor_seconds, floor_rate, count, batch = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
assert deliver["sent"] == count, f"Beacon sent {deliver['sent']} of {count}"
rate = deliver["messages_per_second"]
print(f"campaign emails: {count}, Beacon claim batch {batch}")
print(f"  Beacon contact import:               {enqueue['import_seconds']:8.2f} s")
print(f"  Beacon launch (recipients + outbox):  {enqueue['launch_seconds']:8.2f} s  ({enqueue['queued']} queued)")
print(f"  Beacon outbox loop -> sink:          {deliver['deliver_seconds']:8.2f} s  {rate:8.0f} messages/s")
print(f"  Python smtplib, one connection:      {floor_seconds:8.2f} s  {floor_rate:8.0f} messages/s")
print(f"  ratio Beacon / floor:                {rate / floor_rate:8.2f}x  (target >= 0.8x)")
stall = json.load(open(sys.argv[7])); stall_floor = float(sys.argv[8])
print(f"to a sink with delayed ACKs ({stall['sent']} messages):")
print(f"  Beacon {stall['messages_per_second']:.0f} messages/s, smtplib {stall_floor:.0f} messages/s, "
      f"ratio {stall['messages_per_second'] / stall_floor:.2f}x")
PY
