"""A moto server on loopback for tests that need a real endpoint (boto3 honours AWS_ENDPOINT_URL)."""

from __future__ import annotations

import urllib.request

from moto.server import ThreadedMotoServer


class MotoServer:
    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        self.port = self._server._server.server_port  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        req = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def stop(self) -> None:
        self._server.stop()
