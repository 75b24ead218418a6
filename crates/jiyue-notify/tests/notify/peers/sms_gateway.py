"""HTTP SMS gateway for the jiyue-notify tests, built on http.server.

Usage: sms_gateway.py OUT_FILE

Listens on 127.0.0.1 on a free port and prints the port on the first line of stdout. Appends
each POST as one JSON line to OUT_FILE: path, Authorization header, Content-Type and the parsed
body. The path picks the response: /send returns 200 {"id": "gw-<n>"}, /no-id returns 200 with an
empty object, /fail returns 500 with a body that echoes the number, /slow waits 5 s.
"""

import http.server
import json
import sys
import threading
import time

lock = threading.Lock()
count = 0


class GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        record = {
            "path": self.path,
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "body": json.loads(raw.decode("utf-8")),
        }
        with lock:
            count += 1
            number = count
            with open(sys.argv[1], "a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")

        if self.path == "/slow":
            time.sleep(5)
        if self.path == "/fail":
            to = record["body"].get("to", "")
            self.answer(500, "text/plain", f"internal error while sending to {to}")
        elif self.path == "/no-id":
            self.answer(200, "application/json", "{}")
        else:
            self.answer(200, "application/json", json.dumps({"id": f"gw-{number}"}))

    def answer(self, status, content_type, text):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except BrokenPipeError:
            pass

    def log_message(self, format, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GatewayHandler)
print(server.server_address[1], flush=True)
server.serve_forever()
