/**
 * Proxy mode from the command line (issue 15), for people and CI:
 *
 *   npm run proxy -- --upstream HOST:PORT [--tls starttls|direct|plain] [--domain DOMAIN]
 *                    [--client starttls|direct|plain] [--listen PORT] [--out capture.json] [--reveal]
 *
 * Listens on loopback (PROXY_LISTEN_HOST to change), relays each client to the server and,
 * on Ctrl-C (or SIGTERM), writes what each client's connection carried in the transcript
 * format /captures imports: the first to --out, the next ones beside it (capture-2.json...).
 * Credentials stay masked unless --reveal says otherwise (for disposable test accounts).
 * The server must be on the allowlist (XMPP_ALLOWED_HOSTS, server/allowlist.ts), as for the bridge.
 * Exit code 0 after a clean stop, 2 on bad input or when the proxy cannot start.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ProxyStartError, type ProxyServer } from "../lib/proxy/proxy-server";
import type { ProxyConnection } from "../lib/proxy/proxy-connection";
import type { ClientSide } from "../lib/proxy/proxy-types";
import { transcriptJsonChunks } from "../lib/transcript-files/export";
import { allowlistFrom, ALLOWED_HOSTS_VARIABLE } from "../server/allowlist";
import { bundledServerFromEnv, defaultAllowlist } from "../server/config";
import { defaultDomain, launchProxy, parseHostPort, parsePortRange, proxySettingsFromEnv } from "../server/proxy/launch-proxy";
import { ensureProxyCertificate } from "./lib/certificates";
import { UserFacingError } from "./lib/errors";

const USAGE = `Usage: npm run proxy -- --upstream HOST:PORT [--tls starttls|direct|plain] [--domain DOMAIN]
                     [--client starttls|direct|plain] [--listen PORT] [--out capture.json] [--reveal]`;
const SIDES = { starttls: "starttls", direct: "tls", plain: "plain" } as const;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: "string" },
      tls: { type: "string", default: "starttls" },
      client: { type: "string", default: "starttls" },
      domain: { type: "string" },
      listen: { type: "string" },
      out: { type: "string", default: "capture.json" },
      reveal: { type: "boolean", default: false },
      help: { type: "boolean" },
    },
  });
  if (values.help || values.upstream === undefined) throw new UserFacingError(USAGE);
  const transport = side(values.tls, "--tls");
  const clientSide: ClientSide = side(values.client, "--client");
  const listenPort = values.listen === undefined ? undefined : parsePortRange(values.listen, "--listen").first;
  const allowlist = allowlistFrom(process.env[ALLOWED_HOSTS_VARIABLE], defaultAllowlist(bundledServerFromEnv()));
  const settings = proxySettingsFromEnv();
  const domain = values.domain ?? defaultDomain(parseHostPort(values.upstream).host);
  const certificate = await ensureProxyCertificate(domain);
  const proxy = await launchProxy(
    { upstream: values.upstream, transport, clientSide, domain, ...(listenPort === undefined ? {} : { listenPort }) },
    allowlist,
    certificate,
    settings,
  );
  console.log(`Proxy listening on ${proxy.address} -> ${values.upstream} (${transport}, domain ${domain}); clients speak ${clientSide} to it.`);
  console.log(`Its certificate: ${certificate.certPath}\n  SHA-256 fingerprint ${certificate.fingerprint}\n  Trust it in the client (Node: NODE_EXTRA_CA_CERTS=${certificate.certPath}).`);
  console.log(`Point a client at ${proxy.host} port ${proxy.port}. Ctrl-C stops it and writes ${values.out}.`);
  proxy.onConnection((connection) => report(proxy, connection));
  await stopped();
  await proxy.close("the proxy stopped (Ctrl-C)");
  writeCaptures(proxy, values.out, `proxy ${proxy.address} -> ${values.upstream} (${transport})`, values.reveal);
}

function side(value: string, flag: string): "starttls" | "tls" | "plain" {
  if (value in SIDES) return SIDES[value as keyof typeof SIDES];
  throw new UserFacingError(`${flag} must be starttls, direct or plain, not "${value}".\n${USAGE}`);
}

function report(proxy: ProxyServer, connection: ProxyConnection): void {
  const number = proxy.history.indexOf(connection) + 1;
  console.log(`client #${number} connected`);
  connection.onState((state, detail) => {
    if (state === "closed") console.log(`client #${number} ${detail.message ?? "closed"} (${connection.transcript.lastSeq} entries)`);
  });
}

function stopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** One file per client connection, in the transcript format (lib/transcript-files); credentials masked unless `reveal`. */
function writeCaptures(proxy: ProxyServer, out: string, target: string, reveal: boolean): void {
  if (proxy.history.length === 0) {
    console.log(`No client connected; ${out} not written.`);
    return;
  }
  const { dir, name, ext } = path.parse(out);
  proxy.history.forEach((connection, index) => {
    const file = index === 0 ? out : path.join(dir, `${name}-${index + 1}${ext || ".json"}`);
    if (dir !== "") fs.mkdirSync(dir, { recursive: true });
    const secrets = reveal ? connection.transcript.revealSecrets() : undefined;
    fs.writeFileSync(file, [...transcriptJsonChunks(connection.transcript.since(0), { target, mode: "proxy" }, secrets)].join(""));
    console.log(`Wrote ${file} (${connection.transcript.lastSeq} entries); open it on /captures.`);
  });
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UserFacingError || error instanceof ProxyStartError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(2);
  },
);
