import Link from "next/link";
import { BUNDLED_DOMAIN, DEMO_ACCOUNTS } from "@/lib/demo-accounts";
import { countNoun } from "@/lib/count-noun";
import { courseForPages } from "@/lib/lessons/course-for-pages";

/**
 * What each part of the playground is for, with the way in: a person's first look says what is
 * here. The lessons' line counts the course as lessons/ holds it.
 */
function partsOfThePlayground(lessonCount: number) {
  return [
    {
      href: "/lessons",
      name: "Lessons",
      text: `${countNoun(lessonCount, "lesson")}, from JIDs and streams typed by hand to today's extensions, each step checked against the real server's replies, with feedback about what you sent and the RFC or XEP section behind it.`,
    },
    {
      href: "/playground",
      name: "Workbench",
      text: "Hand-craft stanzas in an editor that knows XMPP (completion, hover docs, checks before sending), send them with Ctrl+Enter on a live session, and read both streams byte for byte, each iq paired with its answer. Two accounts side by side; any server the operator allows, over TCP, TLS or WebSocket.",
    },
    {
      href: "/playground#proxy",
      name: "Proxy",
      text: "Put the playground between your own client and its server: the client's traffic live in the lanes, with stanzas to intercept, edit, drop or inject.",
    },
    {
      href: "/scripts",
      name: "Scripts",
      text: "Record what you sent, replay it on fresh accounts against any allowed server, check each step's answers, and compare two runs. The compliance suite is a set of such scripts; its page shows how ejabberd and Prosody fare.",
    },
    {
      href: "/captures",
      name: "Captures",
      text: "Open an exported transcript or a proxy capture offline: filter, search, the sequence diagram, each stanza explained.",
    },
  ];
}

export default function HomePage() {
  const parts = partsOfThePlayground(courseForPages().cards.length);
  return (
    <main className="home">
      <h1>Learn XMPP by speaking it to a real server</h1>
      <p className="lead">
        Type raw XML stanzas, send them over a live connection to ejabberd, and read both streams exactly as they crossed
        the wire: what your client sent on the left, what the server answered on the right.
      </p>
      <p>
        <Link className="button primary" href="/lessons">
          Start the lessons
        </Link>{" "}
        <Link className="button" href="/playground">
          Open the workbench
        </Link>
      </p>
      <section aria-labelledby="parts-heading">
        <h2 id="parts-heading">What is here</h2>
        <dl className="home-parts">
          {parts.map((part) => (
            <div key={part.name}>
              <dt>
                <Link href={part.href}>{part.name}</Link>
              </dt>
              <dd>{part.text}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Demo accounts on the bundled server</h2>
        <ul>
          {DEMO_ACCOUNTS.map((account) => (
            <li key={account.username}>
              <code>
                {account.username}@{BUNDLED_DOMAIN}
              </code>{" "}
              password <code>{account.password}</code>
            </li>
          ))}
        </ul>
        <p>In the workbench, tick Two accounts, connect one pane as alice and the other as bob, and watch a message leave one and arrive at the other.</p>
      </section>
    </main>
  );
}
