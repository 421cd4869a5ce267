import type { Client } from "@xmpp/client";

/**
 * @xmpp/client 0.14 has no event with the raw wire text, so the tap hooks two methods of
 * its Connection: `_onData` (private; every decoded chunk from the socket, after TLS) and
 * `write` (every string handed to the socket). Both are instance-patched before connect,
 * because the socket listeners bind `_onData` on first attach. If an upgrade renames
 * either, `tapConnection` throws, and wire-tap.test.ts fails, instead of recording nothing.
 */

export interface WireSink {
  /** Return false to keep the data from the library (the session is refusing the stream). */
  received(data: Buffer | string): boolean | void;
  sent(text: string): void;
  /**
   * The library could not take the data: its parser throws on some input (ltx throws on an
   * entity it does not know, such as `&lol;`). That must not escape into the socket's event
   * handler, where it would bring the whole bridge process down.
   */
  rejected?(error: unknown): void;
}

export class WireTapUnavailableError extends Error {
  constructor(missing: string) {
    super(`@xmpp/client no longer has Connection#${missing}; the wire tap in lib/xmpp/wire-tap.ts must be updated for this version`);
  }
}

export function tapConnection(entity: Client, sink: WireSink): void {
  const onData = entity._onData;
  const write = entity.write;
  if (typeof onData !== "function") throw new WireTapUnavailableError("_onData");
  if (typeof write !== "function") throw new WireTapUnavailableError("write");

  entity._onData = function tappedOnData(this: Client, data: Buffer) {
    if (sink.received(data) === false) return;
    // Bytes can still arrive after the library dropped its parser (while a stream is being
    // torn down); it would throw on them, so they are recorded and go no further.
    if (this.parser === null) return;
    try {
      return onData.call(this, data);
    } catch (error) {
      sink.rejected?.(error);
    }
  };
  entity.write = function tappedWrite(this: Client, text: string) {
    // Only what reaches a socket is recorded: write() on a closed connection throws.
    if (this.socket !== null) sink.sent(text);
    return write.call(this, text);
  };
}
