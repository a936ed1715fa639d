"""The tests' SMTP server: aiosmtpd on 127.0.0.1, each accepted message written whole to
DIR/<n>.eml (what the server received, headers and body). Recipients decide the answer, so a
test can make the server fail:

  tempfail-K-...@...  answers 451 (try again later) K times for that recipient, then accepts;
  permfail-...@...    answers 550 (no such mailbox), always.

Usage: python server.py PORT DIR. Prints "ready" when it listens.
"""
import asyncio
import itertools
import os
import re
import sys

from aiosmtpd.controller import Controller

PORT, DIR = int(sys.argv[1]), sys.argv[2]
os.makedirs(DIR, exist_ok=True)
counter = itertools.count(len(os.listdir(DIR)) + 1)
tries = {}


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        m = re.match(r"tempfail-(\d+)-", local)
        if m:
            tries[address] = tries.get(address, 0) + 1
            if tries[address] <= int(m.group(1)):
                return "451 4.3.0 Mailbox busy, try again later"
        if local.startswith("permfail-"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(DIR, f"{next(counter):06d}.eml")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(f"X-Envelope-From: {envelope.mail_from}\r\n".encode())
            f.write(f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode())
            f.write(envelope.original_content)
        os.rename(tmp, path)
        return "250 2.0.0 Message accepted"


controller = Controller(Handler(), hostname="127.0.0.1", port=PORT)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
except KeyboardInterrupt:
    pass
finally:
    controller.stop()
