"""A real Debian client (python3-slixmpp) for the proxy tests (test/proxy-clients.test.ts).

Logs in with STARTTLS, trusting only the CA file given, sends itself a message and pings its
server (XEP-0199), then prints one JSON object: what it wrote and read on its socket (after
TLS, as slixmpp handed it over), and what came of the message and the ping.
"""
import argparse
import asyncio
import json
import sys

import slixmpp


class LoggedClient(slixmpp.ClientXMPP):
    def __init__(self, jid, password, body):
        super().__init__(jid, password)
        self.sent = []
        self.received = []
        self.body = body
        self.result = {"message_back": False, "ping_rtt_ms": None, "error": None}
        self.register_plugin("xep_0199")
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("failed_auth", lambda _: self.fail("authentication failed"))
        self.add_event_handler("ssl_invalid_chain", lambda e: self.fail(f"TLS: {e}"))
        self.message_back = asyncio.Event()

    # Every byte slixmpp writes goes through send_raw, every byte it reads through data_received.
    def send_raw(self, data):
        self.sent.append(data if isinstance(data, str) else data.decode("utf-8"))
        super().send_raw(data)

    def data_received(self, data):
        self.received.append(data.decode("utf-8"))
        super().data_received(data)

    def fail(self, why):
        self.result["error"] = why
        self.disconnect()

    def on_message(self, msg):
        if msg["body"] == self.body:
            self.result["message_back"] = True
            self.message_back.set()

    async def on_session_start(self, _event):
        try:
            # Available first (RFC 6121 section 4.2): a chat to the bare JID reaches available resources only.
            self.send_presence()
            self.send_message(mto=self.boundjid.bare, mbody=self.body, mtype="chat")
            await asyncio.wait_for(self.message_back.wait(), 10)
            rtt = await self.plugin["xep_0199"].ping(self.boundjid.host, timeout=10)
            self.result["ping_rtt_ms"] = rtt * 1000
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
            self.result["error"] = repr(error)
        self.disconnect()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--body", required=True)
    args = parser.parse_args()

    client = LoggedClient(args.jid, args.password, args.body)
    client.ca_certs = args.ca
    client.connect(address=(args.host, args.port), force_starttls=True)
    disconnected = client.disconnected
    try:
        client.loop.run_until_complete(asyncio.wait_for(disconnected, 30))
    except asyncio.TimeoutError:
        client.result["error"] = "timed out"
    print(json.dumps({"sent": client.sent, "received": client.received, **client.result}))
    return 0 if client.result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
