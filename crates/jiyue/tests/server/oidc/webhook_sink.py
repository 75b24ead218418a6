"""A local webhook receiver for the alert tests, built on Python's http.server.

Usage: webhook_sink.py OUT_DIR SECRET FAIL_FIRST

Listens on 127.0.0.1 on a free port and prints the port on the first line of stdout. Replies to
the first FAIL_FIRST posts with 500, to test retries, and later ones with 204. Each post is
stored as OUT_DIR/<n>.json: the status it was answered with, the delivery header, whether the
X-Jiyue-Signature header is the HMAC-SM3 of the body under SECRET (checked here with Python's
own hmac and OpenSSL's SM3, not with the server's code), and the parsed body.
"""

import hashlib
import hmac
import http.server
import json
import pathlib
import sys
import threading


def main():
    out_dir = pathlib.Path(sys.argv[1])
    secret = sys.argv[2].encode("utf-8")
    fail_first = int(sys.argv[3])
    lock = threading.Lock()
    state = {"count": 0}
    # Fails at once with a clear message when OpenSSL lacks SM3.
    hashlib.new("sm3")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with lock:
                state["count"] += 1
                n = state["count"]
            status = 500 if n <= fail_first else 204
            expected = "hmac-sm3=" + hmac.new(secret, body, "sm3").hexdigest()
            record = {
                "status": status,
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "delivery": self.headers.get("X-Jiyue-Delivery"),
                "signature_valid": hmac.compare_digest(
                    expected, self.headers.get("X-Jiyue-Signature", "")
                ),
                "body": json.loads(body.decode("utf-8")),
            }
            temporary = out_dir / f".{n}.tmp"
            temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            temporary.rename(out_dir / f"{n}.json")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
