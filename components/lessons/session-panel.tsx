"use client";

import type { LessonVariables } from "@/lib/lessons/variables";
import { sessionEndedNotice } from "@/lib/lessons/session-ended";
import type { LessonSessionView } from "./use-lesson-session";
import styles from "./lessons.module.css";

const STATUS_TEXT = { idle: "Starting…", connecting: "Opening your session…", online: "Online", closed: "Closed" } as const;

interface SessionPanelProps {
  view: LessonSessionView;
  mode: "guided" | "raw";
  peer: "scripted" | "none";
  /** Variables this lesson's text mentions, shown beside the always-shown ones. */
  mentioned: readonly string[];
  /** The step open on the page (0-based): after a cut, the steps before it are the ones to replay. */
  stepIndex: number;
  onRestart(): void;
}

const EXTRA_LABELS: Partial<Record<keyof LessonVariables, string>> = {
  muc: "chat service",
  room: "your room",
  nick: "your nickname",
  stranger: "a JID with no account",
  newuser: "an unregistered username",
  newpass: "a password for it",
  newplain: "its PLAIN payload",
  scramnonce: "your SCRAM client nonce",
  scramfirst: "your SCRAM client-first-message, base64",
};

/** The session the lesson runs on, and the values its text is written against. */
export function SessionPanel({ view, mode, peer, mentioned, stepIndex, onRestart }: SessionPanelProps) {
  const vars = view.variables;
  const rawOnline = mode === "raw" && view.status === "online" && view.jid === null;
  return (
    <section className={styles.session} aria-label="Your session">
      <div className={styles.sessionHead}>
        <p className={`status status-${view.status === "idle" ? "connecting" : view.status}`} data-testid="lesson-session-status" role="status" data-ready={view.status === "online" && view.jid !== null ? "true" : "false"}>
          {STATUS_TEXT[view.status]}
          {view.status === "online" && view.jid ? ` as ${view.jid}` : ""}
          {rawOnline ? " · raw socket: the stream is yours to open" : ""}
          {view.link === "down" ? " · reconnecting to the bridge…" : ""}
        </p>
        <button type="button" className="button small" onClick={onRestart} disabled={view.status === "connecting"} title="A fresh account and a new connection; the current step starts over">
          New session
        </button>
      </div>
      {view.status === "closed" && view.message && (
        <p role="alert" className="error-text" data-testid="lesson-session-ended">
          {sessionEndedNotice(view.message, stepIndex)}
        </p>
      )}
      {vars && (
        <dl className={styles.variables} data-testid="lesson-variables">
          <dt>you</dt>
          <dd>
            <code data-testid="var-me">{vars.me}</code> <span className="hint">a disposable account, removed when you leave</span>
          </dd>
          <dt>server</dt>
          <dd>
            <code data-testid="var-domain">{vars.domain}</code>
          </dd>
          {peer === "scripted" && (
            <>
              <dt>peer</dt>
              <dd>
                <code data-testid="var-peer">{vars.peer}</code> <span className={styles.peerLabel}>scripted peer (run by the server)</span>
              </dd>
            </>
          )}
          {mode === "raw" && (
            <>
              <dt>username</dt>
              <dd>
                <code>{vars.username}</code>
              </dd>
              <dt>password</dt>
              <dd>
                <code data-testid="var-password">{vars.password}</code>
              </dd>
              <dt>PLAIN</dt>
              <dd>
                <code data-testid="var-plain">{vars.plain}</code>{" "}
                <span className="hint">base64 of NUL username NUL password (RFC 4616): anyone who reads the stream can decode it</span>
              </dd>
            </>
          )}
          {mentioned
            .filter((name): name is keyof LessonVariables => name in EXTRA_LABELS)
            .map((name) => (
              <div key={name} className={styles.variableRow}>
                <dt>{EXTRA_LABELS[name]}</dt>
                <dd>
                  <code>{vars[name]}</code>
                </dd>
              </div>
            ))}
        </dl>
      )}
    </section>
  );
}
