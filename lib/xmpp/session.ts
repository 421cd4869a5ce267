import type { SessionState } from "../bridge/protocol";
import type { Transcript } from "./transcript";

export type StateListener = (state: SessionState, detail: { jid?: string; message?: string }) => void;

/**
 * What the bridge needs from a connection, whoever negotiates it: @xmpp/client in guided
 * mode (guided-session.ts), or the person at the keyboard in raw mode (raw-session.ts).
 */
export interface XmppSession {
  readonly transcript: Transcript;
  readonly currentState: SessionState;
  onState(listener: StateListener): () => void;
  /** Resolves once usable: bound (guided) or the socket open (raw). Rejects with an actionable message. */
  connect(): Promise<string>;
  /** Writes exactly the text given, in order. */
  send(xml: string): Promise<void>;
  /**
   * Raw mode: drops the connection without ending the stream, as a lost network would, and
   * dials again on the same session and transcript (stream management's resumption, XEP-0198 §5).
   */
  reconnect?(): Promise<void>;
  /** Ends the session; `reason` is what the closing event says (by default, that the person closed it). */
  close(reason?: string): Promise<void>;
}
