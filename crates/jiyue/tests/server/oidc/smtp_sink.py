"""A local SMTP server for the citizen account tests, built on aiosmtpd.

Usage: smtp_sink.py OUT_DIR

Listens on 127.0.0.1 on a free port and prints the port on the first line of stdout. Each
accepted message is stored twice: OUT_DIR/<n>.eml as received, and OUT_DIR/<n>.txt with the
recipient, the decoded subject and the decoded plain-text body, parsed with Python's email
package, so a test reads links without decoding MIME itself.
"""

import asyncio
import email
import email.policy
import pathlib
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    print(
        "aiosmtpd is not installed for " + sys.executable + "; install it in a virtual "
        "environment and set JIYUE_TEST_PYTHON to that environment's python",
        file=sys.stderr,
    )
    sys.exit(3)


class SavingHandler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        summary = "To: {}\nSubject: {}\n\n{}".format(
            ", ".join(envelope.rcpt_tos), message["subject"], text
        )
        # The .txt file is written last, so a reader that sees it also finds the .eml.
        (self.out_dir / f"{self.count}.eml").write_bytes(raw)
        temporary = self.out_dir / f".{self.count}.tmp"
        temporary.write_text(summary, encoding="utf-8")
        temporary.rename(self.out_dir / f"{self.count}.txt")
        return f"250 2.0.0 Ok: queued as Q{self.count}"


async def main():
    out_dir = pathlib.Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = SavingHandler(out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
