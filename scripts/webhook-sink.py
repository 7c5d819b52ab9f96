#!/usr/bin/env python3
"""A webhook receiver for Meldpunt's tests, written as a real receiver should be:
it checks the HMAC-SHA256 signature over "timestamp.body", refuses stale timestamps
and refuses replays (a signature it has already accepted). Accepted bodies are
stored as NNNNNN.json in the directory; every request is logged to requests.log.

usage: webhook-sink.py PORT_FILE DIRECTORY SECRET_FILE
Prints READY <port> on stdout once listening on 127.0.0.1.
"""
import hashlib, hmac, http.server, json, os, signal, sys, threading, time

port_file, directory, secret_file = sys.argv[1], sys.argv[2], sys.argv[3]
secret = open(secret_file, "rb").read().strip()
seen = set()
lock = threading.Lock()
counter = [0]

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, text):
        with open(os.path.join(directory, "requests.log"), "a") as log:
            log.write(f"{status} {text}\n")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(text.encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        stamp = self.headers.get("X-Meldpunt-Timestamp", "")
        given = self.headers.get("X-Meldpunt-Signature", "")
        expected = "sha256=" + hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            return self.answer(401, "bad signature")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
            return self.answer(401, "stale timestamp")
        with lock:
            if given in seen:
                return self.answer(409, "replay refused")
            seen.add(given)
            counter[0] += 1
            name = os.path.join(directory, "%06d.json" % counter[0])
        json.loads(body)  # must be JSON
        with open(name + ".tmp", "wb") as f:
            f.write(body)
        with open(name + ".headers", "w") as f:
            json.dump({k: v for k, v in self.headers.items()}, f)
        os.rename(name + ".tmp", name)
        self.answer(200, "ok")

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
print("READY", server.server_address[1], flush=True)
server.serve_forever()
