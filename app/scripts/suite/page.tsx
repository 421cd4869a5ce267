import fs from "node:fs";
import path from "node:path";
import Link from "next/link";
import type { RunReport } from "@/lib/scripts/report";
import { suiteMatrix } from "@/lib/scripts/suite-matrix";
import styles from "./suite.module.css";

export const metadata = { title: "Compliance suite · Scripts · XMPP Playground" };

/**
 * The bundled compliance suite's reports kept in docs/compliance (npm run script -- suite
 * --json), as one table of server × check: each cell the verdict, and under it the stanzas that
 * decided it. Read on the server; the page needs no script of its own.
 */
function reports(): { label: string; report: RunReport; file: string }[] {
  const dir = path.join(process.cwd(), "docs", "compliance");
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const report = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as RunReport;
      return { label: report.software ?? name.replace(/\.json$/, ""), report, file: name };
    });
}

export default function SuitePage() {
  const kept = reports();
  const matrix = suiteMatrix(kept);
  return (
    <main className={styles.page}>
      <h1>The compliance suite, server × check</h1>
      <p className="hint">
        The bundled suite (stanza-scripts/compliance) as run against each server, from the reports in docs/compliance. &ldquo;Not offered&rdquo; means the server does not advertise the feature: no failure. Open a cell for the stanzas behind it. Run the suite yourself with <code>npm run script -- suite --server HOST:PORT</code>, or open one of its scripts in <Link href="/scripts">the scripts page</Link>.
      </p>
      <table className={styles.table} data-testid="suite-table">
        <thead>
          <tr>
            <th scope="col">check</th>
            {matrix.servers.map((server, index) => (
              <th scope="col" key={kept[index]!.file}>
                {server.label}
                <span className="hint"> · {server.startedAt.slice(0, 10)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.file}>
              <th scope="row">
                {row.name}
                <span className="hint"> · {row.file.split("/").at(-1)}</span>
              </th>
              {row.cells.map((cell, index) => (
                <td key={kept[index]!.file} data-verdict={cell?.verdict ?? "not run"}>
                  {cell === null ? (
                    "not run"
                  ) : (
                    <details>
                      <summary>{cell.verdict}</summary>
                      <pre className={styles.evidence}>{cell.evidence.join("\n")}</pre>
                    </details>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
