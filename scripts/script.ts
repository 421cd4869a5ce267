/**
 * Stanza scripts from the command line (issue 14), for people and CI:
 *
 *   npm run script -- run FILE... --server HOST:PORT [--domain D] [--tls starttls|direct|plain]
 *                     [--account NAME=JID] [--report-json PATH] [--junit PATH]
 *   npm run script -- suite --server HOST:PORT [...the same options]
 *   npm run script -- compare A.json B.json
 *
 * A given account's JID comes from --account or SCRIPT_<NAME>_JID, its password only from
 * SCRIPT_<NAME>_PASSWORD (a flag would show in the process list); neither is printed.
 * The server must be on the allowlist (XMPP_ALLOWED_HOSTS, server/allowlist.ts), as for the bridge.
 * Exit code 0 when every step passes (or its feature is not offered), 1 when one fails
 * (compare: when the runs differ), 2 on bad input.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { compareReports, formatComparison, type ComparedReport } from "../lib/scripts/compare";
import { parseScript, ScriptFormatError } from "../lib/scripts/parse";
import { scriptPassed, toJson, toJunit } from "../lib/scripts/report";
import type { StepVerdict } from "../lib/scripts/run";
import { suiteMarkdown, suiteTable } from "../lib/scripts/table";
import type { Script } from "../lib/scripts/types";
import { allowlistFrom, ALLOWED_HOSTS_VARIABLE } from "../server/allowlist";
import { bundledServerFromEnv, defaultAllowlist } from "../server/config";
import { runScripts, SUITE_DIR, suiteFiles } from "./lib/run-scripts";
import type { ScriptAccount, ScriptTarget } from "./lib/script-session";

const USAGE = `Usage: npm run script -- run FILE... --server HOST:PORT [--domain DOMAIN] [--tls starttls|direct|plain]
                      [--account NAME=JID] [--report-json PATH] [--junit PATH] [--markdown PATH]
       npm run script -- suite --server HOST:PORT [the same options]   (the bundled compliance suite)
       npm run script -- compare A.json B.json [--markdown PATH]        (two run reports)
  Given accounts: JID from --account NAME=JID or SCRIPT_<NAME>_JID, password from SCRIPT_<NAME>_PASSWORD.`;
const REPORT_DIR = ".playground/reports/scripts";
const TLS = { starttls: "starttls", direct: "tls", plain: "plain" } as const;

class BadInput extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: "string" },
      domain: { type: "string" },
      tls: { type: "string", default: "starttls" },
      account: { type: "string", multiple: true, default: [] },
      "report-json": { type: "string" },
      junit: { type: "string" },
      markdown: { type: "string" },
      help: { type: "boolean" },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || command === undefined) throw new BadInput(USAGE);
  if (command === "compare") return compare(files, values.markdown);
  if (command !== "run" && command !== "suite") throw new BadInput(`Unknown command "${command}".\n${USAGE}`);
  if (command === "run" && files.length === 0) throw new BadInput(USAGE);
  if (command === "suite" && files.length > 0) throw new BadInput(`suite runs the scripts in ${SUITE_DIR}; to run other files, use run.\n${USAGE}`);
  const target = targetOf(values.server, values.domain, values.tls);
  const paths = command === "suite" ? suiteFiles() : files;
  const scripts = paths.map(readScript);
  const allowlist = allowlistFrom(process.env[ALLOWED_HOSTS_VARIABLE], defaultAllowlist(bundledServerFromEnv()));
  const admission = await allowlist.admit(target.host, target.port);
  if (!admission.ok) throw new BadInput(`${target.host}:${target.port} is not allowed: ${admission.reason}`);
  const accounts = scripts.map((script) => accountsFor(script, values.account));
  const reportJson = values["report-json"] ?? path.join(REPORT_DIR, `${command}.json`);
  const junit = values.junit ?? path.join(REPORT_DIR, `${command}.junit.xml`);

  console.log(`Running ${scripts.length} script(s) against ${target.host}:${target.port} (${target.transport}, domain ${target.domain})`);
  const report = await runScripts(scripts, {
    target,
    allowlist,
    accounts,
    probe: command === "suite",
    onStep: (script) => {
      console.log(`\n${script.file}: ${script.name}`);
      return (verdict, step) => console.log(progressLine(verdict, step, script.steps.length));
    },
    onScript: (_script, result) => {
      if (result.error) console.log(`  FAIL ${result.error}`);
      if (result.notOffered) console.log(`  not offered: ${result.notOffered.reason}`);
    },
  });

  writeFile(reportJson, toJson(report));
  writeFile(junit, toJunit(report));
  if (values.markdown) writeFile(values.markdown, suiteMarkdown(report, `Stanza scripts on ${report.software ?? report.server}`));
  if (command === "suite") console.log(`\n${suiteTable(report)}`);
  const steps = report.scripts.flatMap((script) => script.steps);
  const failed = report.scripts.filter((script) => !scriptPassed(script)).length;
  console.log(`\n${steps.filter((step) => step.passed).length}/${steps.length} steps passed; ${failed} of ${scripts.length} script(s) failed; ${((report.durationMs ?? 0) / 1000).toFixed(1)} s.`);
  console.log(`Reports: ${reportJson} (JSON), ${junit} (JUnit XML)`);
  return report.passed ? 0 : 1;
}

function compare(files: string[], markdown: string | undefined): number {
  if (files.length !== 2) throw new BadInput(`compare takes two run reports (JSON), such as ejabberd.json prosody.json.\n${USAGE}`);
  const [a, b] = files.map((file) => {
    try {
      return { label: path.basename(file), report: JSON.parse(fs.readFileSync(file, "utf8")) as ComparedReport };
    } catch (error) {
      throw new BadInput(`${file}: is not a run report (${error instanceof Error ? error.message : String(error)}); write one with run --report-json.`);
    }
  });
  const comparison = compareReports(a!, b!);
  const text = formatComparison(comparison);
  console.log(text);
  if (markdown) writeFile(markdown, `# Comparison: ${comparison.a} and ${comparison.b}\n\nMade with \`npm run script -- compare\` (lib/scripts/compare.ts): answers aligned by step, normalized (ids, stamps, resources, the runs' own accounts and values, attribute order, whitespace, namespace prefixes, xml:lang, to/from naming the account itself); what is left differs.\n\n\`\`\`text\n${text}\n\`\`\`\n`);
  return comparison.differences.length === 0 ? 0 : 1;
}

function progressLine(verdict: StepVerdict, index: number, total: number): string {
  const head = `  ${verdict.passed ? "ok  " : "FAIL"} ${index + 1}/${total} ${verdict.name} (line ${verdict.line}, ${(verdict.durationMs / 1000).toFixed(2)} s)`;
  const accounts = new Set(verdict.matched.map((entry) => entry.account));
  const seqs = verdict.matched.length > 0 ? ` entries ${verdict.matched.map(({ account, seq }) => `${accounts.size > 1 ? account : ""}#${seq}`).join(", ")}` : "";
  return verdict.passed ? `${head}${seqs}` : `${head}\n       ${verdict.reason ?? ""}`;
}

function targetOf(server: string | undefined, domain: string | undefined, tls: string): ScriptTarget {
  if (server === undefined) throw new BadInput(`--server HOST:PORT is required, such as --server localhost:5222.\n${USAGE}`);
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(server);
  const port = Number(match?.[2]);
  if (!match || !(port >= 1 && port <= 65535)) throw new BadInput(`--server "${server}" is not HOST:PORT; write it as localhost:5222.`);
  if (!(tls in TLS)) throw new BadInput(`--tls "${tls}" is not one of starttls, direct, plain.`);
  const host = match[1]!.replace(/^\[|\]$/g, "");
  // An address is no XMPP domain: the bundled server's is "localhost".
  const fallback = /^[\d.]+$|:/.test(host) ? "localhost" : host;
  return { host, port, domain: domain ?? fallback, transport: TLS[tls as keyof typeof TLS] };
}

function readScript(file: string): Script {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new BadInput(`${file}: cannot be read; check the path.`);
  }
  try {
    return parseScript(text, file);
  } catch (error) {
    if (error instanceof ScriptFormatError) throw new BadInput(`The script does not parse:\n  ${error.message}\nSee README, "Stanza scripts (command line)".`);
    throw error;
  }
}

function accountsFor(script: Script, flags: string[]): Record<string, ScriptAccount> {
  const accounts: Record<string, ScriptAccount> = {};
  for (const { name, kind } of script.accounts) {
    if (kind === "fresh") continue;
    const variable = `SCRIPT_${name.toUpperCase().replace(/-/g, "_")}`;
    const flag = flags.find((item) => item.startsWith(`${name}=`));
    const jid = flag?.slice(name.length + 1) ?? process.env[`${variable}_JID`];
    const password = process.env[`${variable}_PASSWORD`];
    if (!jid || !password) {
      throw new BadInput(`${script.file}: account "${name}" is given: pass --account ${name}=JID (or set ${variable}_JID) and set ${variable}_PASSWORD in the environment.`);
    }
    accounts[name] = { kind: "given", jid, password };
  }
  return accounts;
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const bad = error instanceof BadInput || (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"));
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(bad ? 2 : 1);
  },
);
