/**
 * Stanza scripts from the command line (issue 14), for people and CI:
 *
 *   npm run script -- run FILE... --server HOST:PORT [--domain D] [--tls starttls|direct|plain]
 *                     [--account NAME=JID] [--report-json PATH] [--junit PATH]
 *
 * A given account's JID comes from --account or SCRIPT_<NAME>_JID, its password only from
 * SCRIPT_<NAME>_PASSWORD (a flag would show in the process list); neither is printed.
 * The server must be on the allowlist (XMPP_ALLOWED_HOSTS, server/allowlist.ts), as for the bridge.
 * Exit code 0 when every step passes, 1 when one fails, 2 on bad input.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { accountValues } from "../lib/scripts/capture";
import { parseScript, ScriptFormatError } from "../lib/scripts/parse";
import { scriptPassed, toJson, toJunit, type RunReport, type ScriptRunReport } from "../lib/scripts/report";
import { runSteps, type StepVerdict } from "../lib/scripts/run";
import type { Script } from "../lib/scripts/types";
import { allowlistFrom, ALLOWED_HOSTS_VARIABLE, type Allowlist } from "../server/allowlist";
import { bundledServerFromEnv, defaultAllowlist } from "../server/config";
import { openScriptSession, type ScriptAccount, type ScriptTarget } from "./lib/script-session";

const USAGE = `Usage: npm run script -- run FILE... --server HOST:PORT [--domain DOMAIN] [--tls starttls|direct|plain]
                      [--account NAME=JID] [--report-json PATH] [--junit PATH]
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
      "report-json": { type: "string", default: path.join(REPORT_DIR, "report.json") },
      junit: { type: "string", default: path.join(REPORT_DIR, "junit.xml") },
      help: { type: "boolean" },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || command !== "run" || files.length === 0) throw new BadInput(command !== undefined && command !== "run" ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  const target = targetOf(values.server, values.domain, values.tls);
  const scripts = files.map(readScript);
  const allowlist = allowlistFrom(process.env[ALLOWED_HOSTS_VARIABLE], defaultAllowlist(bundledServerFromEnv()));
  const admission = await allowlist.admit(target.host, target.port);
  if (!admission.ok) throw new BadInput(`${target.host}:${target.port} is not allowed: ${admission.reason}`);
  const accounts = scripts.map((script) => accountFor(script, values.account));

  const report: RunReport = { server: `${target.host}:${target.port} (${target.transport}, domain ${target.domain})`, startedAt: new Date().toISOString(), passed: true, scripts: [] };
  console.log(`Running ${scripts.length} script(s) against ${report.server}`);
  for (const [index, script] of scripts.entries()) report.scripts.push(await runScript(script, target, accounts[index]!, allowlist));
  report.passed = report.scripts.every(scriptPassed);

  writeFile(values["report-json"], toJson(report));
  writeFile(values.junit, toJunit(report));
  const steps = report.scripts.flatMap((script) => script.steps);
  const failed = report.scripts.filter((script) => !scriptPassed(script)).length;
  console.log(`\n${steps.filter((step) => step.passed).length}/${steps.length} steps passed; ${failed} of ${scripts.length} script(s) failed.`);
  console.log(`Reports: ${values["report-json"]} (JSON), ${values.junit} (JUnit XML)`);
  return report.passed ? 0 : 1;
}

async function runScript(script: Script, target: ScriptTarget, account: ScriptAccount, allowlist: Allowlist): Promise<ScriptRunReport> {
  const started = Date.now();
  console.log(`\n${script.file}: ${script.name}`);
  let opened;
  try {
    opened = await openScriptSession(target, account, allowlist);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`  FAIL the session did not open: ${message}`);
    return { file: script.file, name: script.name, error: `the session did not open: ${message}`, steps: [], durationMs: Date.now() - started };
  }
  try {
    const initial = accountValues(script.accounts[0]!.name, opened.jid, target.domain);
    const steps = await runSteps(script, opened.session, initial, { onStep: (verdict, index) => console.log(progressLine(verdict, index, script.steps.length)) });
    return { file: script.file, name: script.name, steps, durationMs: Date.now() - started };
  } finally {
    await opened.close();
  }
}

function progressLine(verdict: StepVerdict, index: number, total: number): string {
  const head = `  ${verdict.passed ? "ok  " : "FAIL"} ${index + 1}/${total} ${verdict.name} (line ${verdict.line}, ${(verdict.durationMs / 1000).toFixed(2)} s)`;
  const seqs = verdict.seqs.length > 0 ? ` entries ${verdict.seqs.map((seq) => `#${seq}`).join(", ")}` : "";
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

function accountFor(script: Script, flags: string[]): ScriptAccount {
  const { name, kind } = script.accounts[0]!;
  if (kind === "fresh") return { kind: "fresh" };
  const variable = `SCRIPT_${name.toUpperCase().replace(/-/g, "_")}`;
  const flag = flags.find((item) => item.startsWith(`${name}=`));
  const jid = flag?.slice(name.length + 1) ?? process.env[`${variable}_JID`];
  const password = process.env[`${variable}_PASSWORD`];
  if (!jid || !password) {
    throw new BadInput(`${script.file}: account "${name}" is given: pass --account ${name}=JID (or set ${variable}_JID) and set ${variable}_PASSWORD in the environment.`);
  }
  return { kind: "given", jid, password };
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
