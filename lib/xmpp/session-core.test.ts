import { describe, expect, it } from "vitest";
import type { Transport } from "../bridge/protocol";
import type { ConnectionContext } from "./connection-errors";
import type { TranscriptEntry } from "./entry";
import type { StreamViolation } from "./framing";
import { CLOSED_BY_YOU, SessionCore } from "./session-core";

/**
 * The rules every session kind shares, with the socket work reduced to a record of what the
 * session would write: the server's entries are fed to the transcript as they would arrive.
 */
class RecordingSession extends SessionCore {
  readonly written: string[][] = [];
  readonly seen: number[] = [];
  specificFailure: string | undefined;

  async connect(): Promise<string> {
    this.refuseTargetBeforeDial();
    this.status.set("online", {});
    return "online";
  }
  async send(): Promise<void> {}
  async close(reason = CLOSED_BY_YOU): Promise<void> {
    this.closeRequested = reason;
    this.finish(this.closeReason());
  }
  protected context(): ConnectionContext {
    return { host: this.core.server.host, port: this.core.server.port };
  }
  protected writeStreamEnd(pieces: readonly string[]): void {
    this.written.push([...pieces]);
  }
  protected onServerEntry(entry: TranscriptEntry): void {
    this.seen.push(entry.seq);
  }
  protected override failureReason(): string | undefined {
    return this.specificFailure;
  }

  // The protected parts a kind uses, opened for the test.
  receive(text: string): void {
    this.transcript.record("in", text);
  }
  declineToGoOn(message: string): void {
    this.endStream(message);
  }
  serverBroke(message: string, condition: StreamViolation): void {
    this.refuse(message, condition);
  }
  socketClosed(error?: { message: string; cause?: unknown }): void {
    if (error) {
      this.lastError = error.message;
      this.lastErrorCause = error.cause;
    }
    this.finish(this.closeReason());
  }
  dropBytes(count: number): void {
    this.droppedBytes += count;
  }
  goOnline(): void {
    this.status.set("online", {});
  }
}

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'>";

function session(transport: Transport = "plain", host = "127.0.0.1", extra: { allowPlainRemote?: boolean; tls?: boolean } = {}) {
  const created = new RecordingSession({ server: { host, port: 5222, ...(extra.tls === undefined ? {} : { tls: extra.tls }) }, transport, domain: "localhost", ...(extra.allowPlainRemote === undefined ? {} : { allowPlainRemote: extra.allowPlainRemote }) });
  created.receive(HEADER);
  return created;
}

const events = (core: RecordingSession) => core.transcript.since(0).filter((entry) => entry.dir === "event");
const lastEvent = (core: RecordingSession) => events(core).at(-1);

describe("SessionCore: a server that breaks the stream's rules (RFC 6120 section 4.9.1.1)", () => {
  it("is refused with the stream error the rule names, then the end of our stream, once", () => {
    const core = session();
    core.receive("<!-- a comment -->");
    core.receive("<!-- another -->");
    expect(core.written).toEqual([["<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"]]);
    expect(lastEvent(core)).toMatchObject({ code: "closing", error: "restricted-xml" });
    expect(lastEvent(core)?.raw).toMatch(/^closing the stream: the server sent .* in #2 .*<restricted-xml\/>/);
  });

  it("over WebSocket: the error with its prefix declared, then <close/> (RFC 7395 section 3.6)", () => {
    const core = session("websocket", "127.0.0.1", { tls: true });
    core.serverBroke("bad bytes", "unsupported-encoding");
    expect(core.written).toEqual([
      ["<stream:error xmlns:stream='http://etherx.jabber.org/streams'><unsupported-encoding xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>", "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"],
    ]);
  });

  it("is not refused once the server ended its stream: there is no stream left to refuse on", () => {
    const core = session();
    core.receive("</stream:stream>");
    core.receive("<!-- after the end -->");
    expect(core.written).toEqual([]);
    const other = session();
    other.receive("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    other.receive("<!-- after the error -->");
    expect(other.written).toEqual([]);
  });

  it("hands every entry from the server to the kind, and none of ours", () => {
    const core = session();
    core.transcript.record("out", "<presence/>");
    core.receive("<presence from='a@localhost'/>");
    expect(core.seen).toEqual([1, 3]);
  });
});

describe("SessionCore: ending the stream from our side", () => {
  it("writes a bare end of stream when the session declines to go on (RFC 6120 section 4.4), and says why", () => {
    const core = session();
    core.declineToGoOn("the server offered no TLS");
    expect(core.written).toEqual([["</stream:stream>"]]);
    expect(lastEvent(core)).toMatchObject({ code: "closing", raw: "closing the stream: the server offered no TLS" });
    expect(lastEvent(core)?.error).toBeUndefined();
  });

  it("writes <close/> instead over WebSocket", () => {
    const core = session("websocket", "127.0.0.1", { tls: true });
    core.declineToGoOn("enough");
    expect(core.written).toEqual([["<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"]]);
  });

  it("ends the stream once, and not at all after the session closed", async () => {
    const core = session();
    core.declineToGoOn("first");
    core.declineToGoOn("second");
    expect(core.written).toHaveLength(1);
    const closed = session();
    await closed.close();
    closed.declineToGoOn("too late");
    expect(closed.written).toEqual([]);
  });
});

describe("SessionCore: why the session closed, by what explains it best", () => {
  it("our refusal first", () => {
    const core = session();
    core.declineToGoOn("the server offered no TLS");
    core.receive("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    core.socketClosed({ message: "ECONNRESET" });
    expect(core.currentState).toBe("closed");
    expect(lastEvent(core)?.raw).toBe("closed: the server offered no TLS");
  });

  it("then the person's (or the bridge's) request", async () => {
    const core = session();
    core.receive("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    await core.close("idle for 30 min");
    expect(lastEvent(core)?.raw).toBe("closed: idle for 30 min");
  });

  it("then the server's stream error, whose condition the closing event carries", () => {
    const core = session();
    core.receive("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    core.socketClosed();
    expect(lastEvent(core)).toMatchObject({ code: "closed", raw: "closed: the server ended the stream with the stream error <conflict/> and no text (RFC 6120 section 4.9.3.3), then closed the connection. A new stream for the same full JID replaced this one: someone logged in with the same resource. Log in with another resource, or stop the other client.", error: "conflict" });
  });

  it("then the server's closing tag, or its <close/> over WebSocket", () => {
    const tcp = session();
    tcp.receive("</stream:stream>");
    tcp.socketClosed({ message: "socket ended" });
    expect(lastEvent(tcp)?.raw).toBe("closed: the server closed the stream (</stream:stream>) and the connection without a stream error, so it gave no reason (RFC 6120 section 4.4)");
    const ws = session("websocket", "127.0.0.1", { tls: true });
    ws.receive("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    ws.socketClosed();
    expect(lastEvent(ws)?.raw).toBe("closed: the server closed the stream (<close/>) and the connection without a stream error, so it gave no reason (RFC 6120 section 4.4)");
  });

  it("then what only the kind can explain", () => {
    const core = session();
    core.goOnline();
    core.specificFailure = "the TLS upgrade failed";
    core.socketClosed({ message: "ECONNRESET" });
    expect(lastEvent(core)?.raw).toBe("closed: the TLS upgrade failed");
  });

  it("then, online, a connection that went without a word", () => {
    const core = session();
    core.goOnline();
    core.socketClosed({ message: "read ECONNRESET", cause: { code: "ECONNRESET" } });
    expect(lastEvent(core)?.raw).toBe(
      "closed: the connection to 127.0.0.1:5222 closed without the server ending the stream (no stream error, no </stream:stream>; RFC 6120 section 4.4): the connection was reset (TCP RST, ECONNRESET): the server's process went away, or something between here and the server cut the connection. Connect again once the server is back.",
    );
  });

  it("then the last error, and failing that, only that it closed", () => {
    const failed = session();
    failed.socketClosed({ message: "connect ECONNREFUSED 127.0.0.1:5222" });
    expect(lastEvent(failed)?.raw).toBe("closed: connect ECONNREFUSED 127.0.0.1:5222");
    const quiet = session();
    quiet.socketClosed();
    expect(lastEvent(quiet)?.raw).toBe("closed: the connection closed");
  });
});

describe("SessionCore: the last words", () => {
  it("keeps what the framer still held, counts dropped bytes, and closes once with the reason", () => {
    const core = session();
    const states: [string, object][] = [];
    core.onState((state, detail) => states.push([state, detail]));
    core.receive("<message><body>cut off");
    core.dropBytes(1234);
    core.socketClosed({ message: "gone" });
    core.socketClosed({ message: "again" });
    const tail = core.transcript.since(0).slice(-3);
    expect(tail.map((entry) => [entry.dir, entry.code, entry.raw])).toEqual([
      ["in", undefined, "<message><body>cut off"],
      ["event", "bytes-dropped", "1,234 more bytes arrived from the server after the stream was refused; they were not kept"],
      ["event", "closed", "closed: gone"],
    ]);
    expect(states).toEqual([["closed", { message: "gone" }]]);
  });

  it("says nothing of dropped bytes when there were none", () => {
    const core = session();
    core.socketClosed();
    expect(events(core).map((entry) => entry.code)).toEqual(["closed"]);
  });

  it("does not answer what the framer flushes while the session ends", () => {
    const core = session();
    core.receive("<message><body>cut off <!--");
    core.socketClosed();
    expect(core.written).toEqual([]);
  });

  it("records that the server accepted the login (SASL success)", () => {
    const core = session();
    core.receive("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    expect(lastEvent(core)).toMatchObject({ code: "authenticated", raw: "authenticated" });
    core.receive("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
    expect(events(core).filter((entry) => entry.code === "authenticated")).toHaveLength(1);
  });

  it("does not take a <success> of another namespace for a login", () => {
    const core = session();
    core.receive("<success xmlns='urn:example:game'/>");
    expect(events(core)).toEqual([]);
  });

  it("says the person closed it when no other reason is given", async () => {
    const core = session();
    await core.close();
    expect(lastEvent(core)?.raw).toBe("closed: closed by you");
  });
});

describe("SessionCore: clear text beyond this machine is refused before any dial", () => {
  it.each([
    ["plain TCP", "plain", {}],
    ["a ws:// WebSocket", "websocket", { tls: false }],
  ] as const)("refuses %s to another host, closing with the reason", async (_what, transport, extra) => {
    const core = session(transport, "xmpp.example.org", extra);
    await expect(core.connect()).rejects.toThrow(/goes to loopback only: xmpp\.example\.org:5222 is not on this machine/);
    expect(core.currentState).toBe("closed");
    expect(lastEvent(core)?.raw).toMatch(/^closed: .*goes to loopback only/);
  });

  it.each([
    ["plain TCP to loopback", "plain", "127.0.0.1", {}],
    ["plain TCP to another host the operator allowed", "plain", "xmpp.example.org", { allowPlainRemote: true }],
    ["a wss:// WebSocket", "websocket", "xmpp.example.org", { tls: true }],
    ["direct TLS", "tls", "xmpp.example.org", {}],
  ] as const)("dials %s", async (_what, transport, host, extra) => {
    const core = session(transport, host, extra);
    await expect(core.connect()).resolves.toBe("online");
  });
});
