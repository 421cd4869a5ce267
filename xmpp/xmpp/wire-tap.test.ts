import { describe, expect, it } from "vitest";
import { client, type Client } from "@xmpp/client";
import { WireTapUnavailableError, tapConnection } from "./wire-tap";

const sink = { received: () => undefined, sent: () => undefined };

describe("tapConnection", () => {
  it("finds the hooks it relies on in the installed @xmpp/client", () => {
    // If an upgrade renames Connection#_onData or #write, this fails instead of the
    // transcript silently going empty.
    const entity = client({ service: "xmpp://127.0.0.1:1", domain: "localhost" });
    entity.reconnect.stop();
    expect(typeof entity._onData).toBe("function");
    const original = entity._onData;
    tapConnection(entity, sink);
    expect(entity._onData).not.toBe(original);
  });

  it("refuses loudly when a hook is missing", () => {
    const entity = { write: async () => undefined } as unknown as Client;
    expect(() => tapConnection(entity, sink)).toThrow(WireTapUnavailableError);
    expect(() => tapConnection(entity, sink)).toThrow(/lib\/xmpp\/wire-tap\.ts must be updated/);
  });

  it("passes received bytes and written text to the sink, then on to the library", async () => {
    const received: string[] = [];
    const sent: string[] = [];
    const calls: string[] = [];
    const fake = {
      socket: {},
      parser: {},
      _onData: (data: Buffer) => calls.push(`onData ${String(data)}`),
      write: async (text: string) => {
        calls.push(`write ${text}`);
      },
    } as unknown as Client;
    tapConnection(fake, {
      received: (data) => {
        received.push(String(data));
      },
      sent: (text) => {
        sent.push(text);
      },
    });
    fake._onData?.(Buffer.from("<presence/>"));
    await fake.write("<message/>");
    expect(received).toEqual(["<presence/>"]);
    expect(sent).toEqual(["<message/>"]);
    expect(calls).toEqual(["onData <presence/>", "write <message/>"]);
  });

  it("records bytes that arrive after the library dropped its parser, without passing them on", () => {
    const received: string[] = [];
    const fake = {
      socket: {},
      parser: null,
      _onData: () => {
        throw new TypeError("Cannot read properties of null (reading 'write')");
      },
      write: async () => undefined,
    } as unknown as Client;
    tapConnection(fake, {
      received: (data) => {
        received.push(String(data));
      },
      sent: () => undefined,
    });
    expect(() => fake._onData?.(Buffer.from("</stream:stream>"))).not.toThrow();
    expect(received).toEqual(["</stream:stream>"]);
  });

  it("keeps a chunk from the library when the sink refuses it, and catches what the library throws", () => {
    const calls: string[] = [];
    const rejected: unknown[] = [];
    const fake = {
      socket: {},
      parser: {},
      _onData: (data: Buffer) => {
        calls.push(String(data));
        // What ltx does with an entity it does not know.
        throw new Error("Illegal XML entity &lol;");
      },
      write: async () => undefined,
    } as unknown as Client;
    tapConnection(fake, { received: (data) => String(data) !== "<refused/>", sent: () => undefined, rejected: (error) => rejected.push(error) });
    fake._onData?.(Buffer.from("<refused/>"));
    expect(calls).toEqual([]);
    expect(() => fake._onData?.(Buffer.from("<body>&lol;</body>"))).not.toThrow();
    expect(calls).toEqual(["<body>&lol;</body>"]);
    expect(String(rejected[0])).toContain("Illegal XML entity");
  });
});
