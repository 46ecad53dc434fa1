#!/usr/bin/env python3
"""A local SMTP sink for beacon-notify's integration test (tests/smtp.rs).

Runs aiosmtpd and writes every message it accepts into a spool directory as
<n>.eml (the raw message) and <n>.json (envelope, headers and decoded parts, so the
Rust test need not decode MIME). Both files are complete before the server answers
250, so the test can read them as soon as its send returns.

Recipients whose local part starts with "reject" are refused with 550 and those
starting with "busy" with 451, so the test can check how errors are classified.

Usage:
    python3 -m venv /tmp/smtp-venv && /tmp/smtp-venv/bin/pip install aiosmtpd
    /tmp/smtp-venv/bin/python tests/smtp_sink.py --host 127.0.0.1 --port 2525 --spool /tmp/smtp-spool
Then: BEACON_TEST_SMTP=127.0.0.1:2525 BEACON_TEST_SMTP_SPOOL=/tmp/smtp-spool cargo test -p beacon-notify
"""

import argparse
import email
import email.policy
import itertools
import json
import os
import signal
import threading

from aiosmtpd.controller import Controller


class SpoolHandler:
    def __init__(self, spool):
        self.spool = spool
        existing = [
            int(name.split(".")[0])
            for name in os.listdir(spool)
            if name.split(".")[0].isdigit()
        ]
        self.counter = itertools.count(max(existing, default=0) + 1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append(
                {"content_type": part.get_content_type(), "content": part.get_content()}
            )
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [[name, str(value)] for name, value in message.items()],
            "content_type": message.get_content_type(),
            "parts": parts,
        }
        with self.lock:
            number = next(self.counter)
        for suffix, data in (
            ("json", json.dumps(summary, indent=2).encode("utf-8")),
            ("eml", raw),
        ):
            final = os.path.join(self.spool, f"{number}.{suffix}")
            temporary = final + ".tmp"
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, final)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument(
        "--spool", default=os.environ.get("BEACON_TEST_SMTP_SPOOL", "/tmp/smtp-spool")
    )
    args = parser.parse_args()
    os.makedirs(args.spool, exist_ok=True)
    controller = Controller(
        SpoolHandler(args.spool), hostname=args.host, port=args.port, decode_data=False
    )
    controller.start()
    print(f"SMTP sink on {args.host}:{args.port}, spool {args.spool}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
