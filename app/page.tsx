import Link from "next/link";
import { BUNDLED_DOMAIN, DEMO_ACCOUNTS } from "@/lib/demo-accounts";

export default function HomePage() {
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
        <p>Open two browser windows, connect one as alice and one as bob, and watch a message leave one and arrive at the other.</p>
      </section>
    </main>
  );
}
