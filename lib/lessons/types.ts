import type { EventCode } from "../xmpp/event-codes";
import type { Transport } from "../bridge/protocol";
import type { Direction, EntryKind } from "../xmpp/entry";

/**
 * The course as data: what lessons/ holds once loaded and validated (lib/lessons/load-course.ts).
 * Plain JSON-safe objects, so a server page can hand a lesson to the browser as props.
 * lessons/README.md describes the files these come from.
 */

/** A section of an RFC or XEP, resolved against the registry in spec-sections.ts. */
export interface SpecRef {
  /** As written in a lesson and shown to learners: "RFC 6121 §5.2.2", "XEP-0045 §7.2". */
  label: string;
  title: string;
  url: string;
}

export type LessonMode = "guided" | "raw";

export interface LessonAccounts {
  /** A disposable account registered for the session (XEP-0077) and removed after. */
  me: "fresh";
  /** Who is on the other side: a peer the server runs (server/scripted-peer.ts), or nobody. */
  peer: "scripted" | "none";
}

/** A descendant the matched element must contain (README: `has`). */
export interface HasMatcher {
  /** Slash-separated local names below the matched element: "query/item". */
  path: string;
  /** Namespace of the last element of the path. */
  xmlns?: string;
  /** Attributes the last element must carry, with exactly these values. */
  attrs?: Record<string, string>;
  /** The last element's text, trimmed, must equal this. */
  text?: string;
  /** The last element's text must contain this. */
  contains?: string;
}

/** A stanza error (RFC 6120 §8.3) or, with `kind: stream-error`, a stream error (RFC 6120 §4.9). */
export interface ErrorMatcher {
  condition?: string;
  /** Stanza errors only: cancel, continue, modify, auth, wait (RFC 6120 §8.3.2). */
  type?: string;
}

/**
 * One thing the step's window of the transcript must show. Every field but `dir` is
 * optional; each given one narrows which entries match. Values may use {{variables}}.
 */
export interface Expectation {
  /** Lets a later expectation refer to the entry this one matched (`answers`, `after`). */
  name?: string;
  dir: Direction;
  /** Local name of the top-level element: message, presence, iq, features, auth, ... */
  stanza?: string;
  /** The transcript's classification, instead of or besides `stanza`. */
  kind?: EntryKind;
  /** Namespace of the top-level element. */
  ns?: string;
  /** The `type` attribute. */
  type?: string;
  /** JID-aware: a pattern without a resource matches the bare JID and any of its resources. */
  to?: string;
  from?: string;
  /** Attributes of the top-level element itself, with exactly these values. */
  attrs?: Record<string, string>;
  has?: HasMatcher[];
  error?: ErrorMatcher;
  /**
   * Stream management (XEP-0198 §4): the element's `h` must equal the stanzas that went this
   * way ("in": the server sent them; "out": the learner did) since <enabled/> or <resumed/>,
   * on the connection where that happened (lib/lessons/stream-management.ts).
   */
  smCount?: "in" | "out";
  /** The name of an earlier iq get/set this entry (an iq result or error) answers (RFC 6120 §8.2.3). */
  answers?: string;
  /** For `dir: event`: the event's code (lib/xmpp/event-codes.ts), such as tls-established. */
  event?: EventCode;
  /** The name of an earlier expectation whose entry this one must follow. */
  after?: string;
  /** What the learner reads when this is the first expectation not met. */
  missing?: string;
}

export interface LessonStep {
  /** From the file name: "01-chat.md" gives "chat". */
  slug: string;
  number: number;
  title: string;
  specs: SpecRef[];
  check: Expectation[];
  /** Progressive: the first is the gentlest. At least one, none empty. */
  hints: string[];
  /** Background about the step, shown below the diagnosis while the check has not passed. */
  failure: string;
  /**
   * One thing to notice in the entries that passed the check, shown with them on a pass
   * (a pass that teaches). Optional in the format; the lesson lint requires it.
   */
  notice?: string;
  /** Markdown. */
  prose: string;
  /** What the editor holds when the step opens. */
  starter: string;
  /** What "Solve" loads. */
  solution: string;
  /** The solution is deliberately not well-formed XML (the stream error lessons). */
  solutionIsMalformed?: boolean;
  /**
   * The step's answer depends on what the server sent in this session (SCRAM's salt and
   * nonce, RFC 5802 §5.1): the page shows this calculator beside the editor, and Solve (and the
   * runners) write the calculator's output instead of the solution file, which shows its form.
   */
  calculator?: "scram" | "stream-management";
  /**
   * Something the learner does besides sending: `drop-connection` loses the raw connection on
   * purpose, without a closing tag, and dials again (XEP-0198 §5). The page shows a button for
   * it; the runners do it before sending the step's starter or solution.
   */
  action?: "drop-connection";
}

export interface Lesson {
  /** From the folder name: "03-message" gives "message". */
  slug: string;
  number: number;
  title: string;
  summary: string;
  mode: LessonMode;
  /** How the session reaches the server; "plain" unless the front matter says otherwise. */
  transport: Transport;
  accounts: LessonAccounts;
  /**
   * Guided lessons: the session announces availability once bound (RFC 6121 §4.2), unless
   * the lesson's first steps are about doing that by hand. Absent means true.
   */
  initialPresence?: boolean;
  specs: SpecRef[];
  /** Markdown. */
  intro: string;
  steps: LessonStep[];
  /** What the finish screen says the learner now knows, each point with its section (the lint requires them). */
  learned?: LearnedPoint[];
  /**
   * The scripted peer is already an occupant of {{room}} (as `peer`) when the session opens,
   * so a lesson can start from entering an existing room (XEP-0045 §7.2). Needs `peer: scripted`.
   */
  peerInRoom?: boolean;
  /**
   * The learner's account is also online from a scripted second device, `{{me}}/phone`
   * (server/scripted-device.ts), for lessons about several devices (XEP-0280). Needs `peer: scripted`.
   */
  otherDevice?: boolean;
  /**
   * The session's account lives on the server's stream management domain (sm.<domain>, the
   * only host with XEP-0198 in ejabberd/ejabberd.yml); {{domain}} names it. Raw lessons only.
   */
  streamManagement?: boolean;
}

/** One thing a finished lesson taught: a sentence (inline Markdown) and the section it comes from. */
export interface LearnedPoint {
  text: string;
  spec: SpecRef;
}

export interface Course {
  lessons: Lesson[];
}

/** What evaluateCheck (check.ts) says about one step. */
export interface CheckResult {
  passed: boolean;
  /** Per expectation, the seq of the entry that met it (undefined where none did). */
  matched: (number | undefined)[];
  /** The first expectation that could not be met, with the message to show. */
  missing?: { index: number; message: string };
}
