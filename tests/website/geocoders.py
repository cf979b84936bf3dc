"""A geocoding service on 127.0.0.1 for the tests: a real HTTP server in a thread that
answers what the test tells it and keeps every request it received."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Received:
    def __init__(self, path, params, headers):
        self.path = path
        self.params = params  # one value per name
        self.headers = headers


class GeocoderServer:
    """``answer(path, params) -> (status, body, delay)`` says what to send; ``body`` is JSON
    (any object) or bytes sent as they are."""

    def __init__(self):
        self.received = []
        self.answer = lambda path, params: (200, {"type": "FeatureCollection", "features": []}, 0)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.received.append(Received(parts.path, params, dict(self.headers)))
                status, body, delay = server.answer(parts.path, params)
                if delay:
                    time.sleep(delay)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the time-out tests)

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self):
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
