#!/usr/bin/python3
"""smtp-sink.py DIR [SECONDS]: an SMTP server on 127.0.0.1 for the tests.

It listens on a port the kernel picks (bound before it is named, so no
other process can take it in between), writes that port to DIR/port once
it accepts connections, and each message it receives to DIR/N.eml (the
bytes as sent), with its envelope in DIR/N.from and DIR/N.rcpt.  Each
file appears whole (written, then renamed).  It exits after SECONDS
(default 60) whatever happens, so that a test that dies leaves nothing
running.  Needs python3-aiosmtpd.
"""
import asyncio
import os
import socket
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    """Keeps every message in a file of its own."""

    def __init__(self, d):
        self.d = d
        self.n = 0

    def put(self, name, data):
        tmp = os.path.join(self.d, "." + name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.d, name))

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        n = self.n
        self.put("%d.from" % n, (envelope.mail_from + "\n").encode())
        self.put("%d.rcpt" % n, ("\n".join(envelope.rcpt_tos) + "\n").encode())
        self.put("%d.eml" % n, envelope.original_content)
        return "250 OK"


async def serve(d, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sink = Sink(d)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test"), sock=sock)
    sink.put("port", ("%d\n" % sock.getsockname()[1]).encode())
    await asyncio.sleep(seconds)
    server.close()


def main():
    d = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    asyncio.run(serve(d, seconds))


if __name__ == "__main__":
    main()
