"use client";

import { Component, type ErrorInfo, type ReactNode } from "react";

interface PanelBoundaryProps {
  /** What the panel is, for the message: "The explanation", "The stream lanes". */
  name: string;
  children: ReactNode;
  /** When this changes (say, another entry is selected) the panel tries again by itself. */
  resetKey?: unknown;
}

interface PanelBoundaryState {
  error: Error | null;
  resetKey: unknown;
}

/**
 * Contains a failure to the one panel it happened in: the rest of the page, the session
 * and its lanes go on. Without it any throw while rendering (a hostile stanza, a bug)
 * unmounts the whole workbench. The message says what failed and offers to try again;
 * the error's text is shown as text, never markup.
 */
export class PanelBoundary extends Component<PanelBoundaryProps, PanelBoundaryState> {
  override state: PanelBoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<PanelBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: PanelBoundaryProps, state: PanelBoundaryState): Partial<PanelBoundaryState> | null {
    if (Object.is(props.resetKey, state.resetKey)) return null;
    return { resetKey: props.resetKey, error: null };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.name} failed:`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <div role="alert" className="panel-failure" data-testid="panel-failure">
        <p>
          <strong>{this.props.name} could not be shown.</strong> The rest of the page and your session go on.
        </p>
        <p className="hint">What went wrong: {error.message.slice(0, 300)}</p>
        <button type="button" className="button small" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
