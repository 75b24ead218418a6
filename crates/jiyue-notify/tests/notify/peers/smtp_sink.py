"""SMTP server for the jiyue-notify tests, built on aiosmtpd.

Usage: smtp_sink.py OUT_DIR

Listens on 127.0.0.1 on a free port and prints the port on the first line of stdout. Stores
each accepted message as OUT_DIR/<n>.eml and replies "250 2.0.0 Ok: queued as Q<n>".
Rejects recipients whose local part is "nobody" with 550. Offers AUTH PLAIN and LOGIN
without TLS, accepting only the user "noreply" with the password "s3cret-smtp-password";
clients that do not authenticate may still send.
"""

import asyncio
import pathlib
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    print(
        "aiosmtpd is not installed for " + sys.executable + "; run: python3 -m venv .venv && "
        ".venv/bin/pip install aiosmtpd, then set JIYUE_TEST_PYTHON=.venv/bin/python",
        file=sys.stderr,
    )
    sys.exit(3)


class StoringHandler:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@", 1)[0] == "nobody":
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = self.out_dir / f"{self.count}.eml"
        path.write_bytes(envelope.original_content)
        return f"250 2.0.0 Ok: queued as Q{self.count}"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"noreply"
        and auth_data.password == b"s3cret-smtp-password"
    )
    # handled=False makes aiosmtpd send its 535 reply on failure.
    return AuthResult(success=ok, handled=False)


async def main():
    out_dir = pathlib.Path(sys.argv[1])
    handler = StoringHandler(out_dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, authenticator=authenticate, auth_require_tls=False), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
