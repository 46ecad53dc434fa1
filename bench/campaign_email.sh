#!/usr/bin/env bash
# Benchmark: a campaign's personalised emails delivered by Beacon's outbox loop, against
# the floor for one SMTP client, a plain Python script sending the same messages with
# smtplib over one connection, both to the same local SMTP sink in the same run.
#
# Beacon's side is the example `crates/beacon-app/examples/campaign_email_bench.rs`: it
# queues N campaign emails (a greeting with no name, each recipient's own token link in
# both parts, each message's own one-click List-Unsubscribe headers) in the outbox of a
# fresh SQLite store, then delivers them through `deliver_due_with` and `StoreOutbox` with
# `SmtpMailer` (plain text: Beacon's own SMTP client, one connection); each claimed batch's
# sent states are committed in the store, in one transaction, right after the batch. Python formats the same messages (same headers, same parts)
# from a template, without the slow `email` package, and sends them with `smtplib`. The sink (written to /tmp by this script; asyncio, no
# packages) accepts every message and throws it away. Prints messages a second for each
# and the ratio (target: Beacon >= 0.8x the floor).
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
                await reader.readuntil(b"\r\n.\r\n")
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
python3 "$WORK/sink.py" "$WORK/port" quickack &
SINK=$!
python3 "$WORK/sink.py" "$WORK/port-delayed" &
SINK_DELAYED=$!
trap 'kill "$SINK" "$SINK_DELAYED" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && [ -s "$WORK/port-delayed" ] && break; sleep 0.1; done
PORT="$(cat "$WORK/port")"
PORT_DELAYED="$(cat "$WORK/port-delayed")"

# --- the floor: smtplib, one connection, the same messages --------------------------
cat >"$WORK/floor.py" <<'PY'
# The floor: no email package (it is slow to build messages), just each message's bytes
# formatted from a template, sent with smtplib.sendmail over one connection.
import hashlib, smtplib, sys, time
from email.utils import formatdate

count, port = int(sys.argv[1]), int(sys.argv[2])

def token(recipient):
    return hashlib.sha256(f"bench-campaign:{recipient}".encode()).hexdigest()[:24]

FROM = "protect@beacon.example"
TEMPLATE = (
    "From: Leicestershire Cyber Partnership <protect@beacon.example>\r\n"
    "To: {to}\r\n"
    "Subject: Courier fraud: your bank will never send someone for your card\r\n"
    "Date: {date}\r\n"
    "Message-ID: <campaign-{index}@bench.beacon.example>\r\n"
    "X-Beacon-TLP: TLP:CLEAR\r\n"
    "Auto-Submitted: auto-generated\r\n"
    "List-Unsubscribe: <https://beacon.example/u/{tok}>,\r\n <mailto:unsubscribe+{tok}@beacon.example>\r\n"
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=\"b{tok}\"\r\n"
    "\r\n"
    "--b{tok}\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "Hello from the Leicestershire cyber and fraud partnership,\r\n\r\n"
    "Criminals phone pretending to be your bank or the police, then send a courier to\r\n"
    "collect your card. Your bank will never do this. Hang up, wait five minutes, and\r\n"
    "call 159.\r\n\r\nRead more: {link}\r\n\r\nReport fraud to Action Fraud on 0300 123 2040.\r\n"
    "--b{tok}\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "<p>Hello from the Leicestershire cyber and fraud partnership,</p><p>Criminals phone\r\n"
    "pretending to be your bank or the police, then send a courier to collect your card.\r\n"
    "<strong>Your bank will never do this.</strong> Hang up, wait five minutes, and call\r\n"
    "159.</p><p><a href=\"{link}\">Read more</a></p><p>Report fraud to Action Fraud on\r\n"
    "0300 123 2040.</p>\r\n"
    "--b{tok}--\r\n"
)

smtp = smtplib.SMTP("127.0.0.1", port)
smtp.ehlo("floor.bench")
start = time.perf_counter()
for index in range(count):
    to = f"resident{index}@residents.example"
    tok = token(to)
    link = f"https://beacon.example/c/{tok}"
    message = TEMPLATE.format(to=to, date=formatdate(), index=index, tok=tok, link=link)
    smtp.sendmail(FROM, [to], message.encode())
seconds = time.perf_counter() - start
smtp.quit()
print(f"{count} {seconds:.3f} {count / seconds:.1f}")
PY

echo "Beacon: queueing $COUNT campaign emails in a SQLite outbox…" >&2
DB="$WORK/campaign.db"
"$BENCH" --database "$DB" --count "$COUNT" --phase enqueue >"$WORK/enqueue.json"
echo "Beacon: delivering through the outbox loop to the sink on port $PORT…" >&2
"$BENCH" --database "$DB" --count "$COUNT" --phase deliver --smtp "127.0.0.1:$PORT" --batch "$BATCH" >"$WORK/deliver.json"
echo "Floor: smtplib, one connection, the same $COUNT messages…" >&2
read -r _ FLOOR_SECONDS FLOOR_RATE < <(python3 "$WORK/floor.py" "$COUNT" "$PORT")

# The same against a sink that delays its ACKs as TCP normally does (a few messages:
# lettre writes the DATA terminator as its own segment, which Nagle holds until the
# body's delayed ACK, about 40 ms a message).
echo "Both again, $STALL_COUNT messages, to a sink with delayed ACKs…" >&2
"$BENCH" --database "$WORK/stall.db" --count "$STALL_COUNT" --phase enqueue >/dev/null
"$BENCH" --database "$WORK/stall.db" --count "$STALL_COUNT" --phase deliver --smtp "127.0.0.1:$PORT_DELAYED" --batch "$BATCH" >"$WORK/stall.json"
read -r _ _ STALL_FLOOR_RATE < <(python3 "$WORK/floor.py" "$STALL_COUNT" "$PORT_DELAYED")

python3 - "$WORK/enqueue.json" "$WORK/deliver.json" "$FLOOR_SECONDS" "$FLOOR_RATE" "$COUNT" "$BATCH" "$WORK/stall.json" "$STALL_FLOOR_RATE" <<'PY' | tee "$OUT/campaign_email.txt"
import json, sys
enqueue = json.load(open(sys.argv[1])); deliver = json.load(open(sys.argv[2]))
floor_seconds, floor_rate, count, batch = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
assert deliver["sent"] == count, f"Beacon sent {deliver['sent']} of {count}"
rate = deliver["messages_per_second"]
print(f"campaign emails: {count}, Beacon claim batch {batch}")
print(f"  Beacon queue (SQLite outbox):        {enqueue['enqueue_seconds']:8.2f} s")
print(f"  Beacon outbox loop -> sink:          {deliver['deliver_seconds']:8.2f} s  {rate:8.0f} messages/s")
print(f"  Python smtplib, one connection:      {floor_seconds:8.2f} s  {floor_rate:8.0f} messages/s")
print(f"  ratio Beacon / floor:                {rate / floor_rate:8.2f}x  (target >= 0.8x)")
stall = json.load(open(sys.argv[7])); stall_floor = float(sys.argv[8])
print(f"to a sink with delayed ACKs ({stall['sent']} messages):")
print(f"  Beacon {stall['messages_per_second']:.0f} messages/s, smtplib {stall_floor:.0f} messages/s, "
      f"ratio {stall['messages_per_second'] / stall_floor:.2f}x")
PY
