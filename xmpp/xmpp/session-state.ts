import type { SessionState } from "../bridge/protocol";
import type { StateListener } from "./session";

type Detail = { jid?: string; message?: string };

/** A session's state and who listens to it; shared by the guided and raw sessions. */
export class SessionStateEmitter {
  private readonly listeners = new Set<StateListener>();
  private state: SessionState = "connecting";

  get current(): SessionState {
    return this.state;
  }

  listen(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(state: SessionState, detail: Detail): void {
    this.state = state;
    for (const listener of this.listeners) listener(state, detail);
  }
}
