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
    def __init__(self, jid, password, body, expect_body=None, wait_for=None, wait_seconds=10):
        super().__init__(jid, password)
        self.sent = []
        self.received = []
        self.body = body
        # What comes back may differ from what was sent when a proxy edits it on the way.
        self.expect_body = expect_body or body
        self.wait_for = wait_for
        self.wait_seconds = wait_seconds
        self.waited_for = asyncio.Event()
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
        if self.wait_for is not None and self.wait_for in msg["body"]:
            self.result["waited_for"] = msg["body"]
            self.waited_for.set()
        if msg["body"] == self.expect_body:
            self.result["message_back"] = True
            self.message_back.set()

    async def on_session_start(self, _event):
        try:
            # Available first (RFC 6121 section 4.2): a chat to the bare JID reaches available resources only.
            self.send_presence()
            self.send_message(mto=self.boundjid.bare, mbody=self.body, mtype="chat")
            await asyncio.wait_for(self.message_back.wait(), self.wait_seconds)
            rtt = await self.plugin["xep_0199"].ping(self.boundjid.host, timeout=10)
            self.result["ping_rtt_ms"] = rtt * 1000
            if self.wait_for is not None:
                await asyncio.wait_for(self.waited_for.wait(), self.wait_seconds)
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
    parser.add_argument("--expect-body", help="the body that must come back (default: --body)")
    parser.add_argument("--wait-for", help="after the ping, stay until a message whose body contains this arrives")
    parser.add_argument("--wait-seconds", type=float, default=10)
    args = parser.parse_args()

    client = LoggedClient(args.jid, args.password, args.body, args.expect_body, args.wait_for, args.wait_seconds)
    client.ca_certs = args.ca
    client.connect(address=(args.host, args.port), force_starttls=True)
    disconnected = client.disconnected
    try:
        client.loop.run_until_complete(asyncio.wait_for(disconnected, 30 + 2 * args.wait_seconds))
    except asyncio.TimeoutError:
        client.result["error"] = "timed out"
    print(json.dumps({"sent": client.sent, "received": client.received, **client.result}))
    return 0 if client.result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main())
