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
  close(): Promise<void>;
}
