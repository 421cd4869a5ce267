/**
 * The bundled XMPP server on its own:
 *   tsx scripts/xmpp-server.ts start|stop|status [--test] [--fresh] [--local|--docker]
 * Uses docker compose when a Docker engine answers, Debian's ejabberd otherwise.
 * Exit codes: 0 ok (status: running), 1 failure, 2 bad usage, 3 status: not running.
 */
import {
  composeServerStatus,
  dockerEngineAvailable,
  startComposeServer,
  stopComposeServer,
} from "./lib/docker";
import { localServerStatus, startLocalServer, stopLocalServer } from "./lib/ejabberd-local";
import { UserFacingError } from "./lib/errors";
import {
  CERTS,
  describePorts,
  PLAYGROUND_SERVER,
  LISTENERS,
  PORT_LABELS,
  serviceUrls,
  TEST_SERVER,
  type XmppServerInstance,
} from "./lib/instances";
import type { ListenerStates } from "./lib/listeners";

const USAGE = "Usage: tsx scripts/xmpp-server.ts start|stop|status [--test] [--fresh] [--local|--docker]";

type Backend = "local" | "docker";

interface Command {
  action: "start" | "stop" | "status";
  instance: XmppServerInstance;
  fresh: boolean;
  /** undefined: pick by whether a Docker engine answers. */
  backend?: Backend;
}

function parseArgs(args: string[]): Command {
  const [action, ...flags] = args;
  if (action !== "start" && action !== "stop" && action !== "status") throw new UsageError(USAGE);
  const known = new Set(["--test", "--fresh", "--local", "--docker"]);
  const unknown = flags.filter((flag) => !known.has(flag));
  if (unknown.length > 0) throw new UsageError(`Unknown option ${unknown.join(" ")}.\n${USAGE}`);
  if (flags.includes("--local") && flags.includes("--docker")) throw new UsageError("Choose --local or --docker, not both.");
  return {
    action,
    instance: flags.includes("--test") ? TEST_SERVER : PLAYGROUND_SERVER,
    fresh: flags.includes("--fresh"),
    backend: flags.includes("--local") ? "local" : flags.includes("--docker") ? "docker" : undefined,
  };
}

class UsageError extends UserFacingError {}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function describeServer(instance: XmppServerInstance): string {
  const urls = serviceUrls(instance);
  return [
    ...describePorts(instance)
      .split("\n")
      .map((line) => `  ${line}`),
    `  WebSocket            ${urls.websocket}`,
    `  BOSH                 ${urls.bosh}`,
    `  Accounts             ${instance.accounts.map((a) => `${a.username}@${instance.domain} / ${a.password}`).join(", ")}`,
    `  CA for Node clients  NODE_EXTRA_CA_CERTS=${CERTS.cert}`,
  ].join("\n");
}

async function start({ instance, fresh, backend }: Command): Promise<void> {
  const useDocker = backend === "docker" || (backend === undefined && (await dockerEngineAvailable()));
  const label = `the ${instance.name} XMPP server`;
  if (useDocker) {
    console.log(`Starting ${label} with docker compose...`);
    const result = await startComposeServer(instance, { fresh });
    console.log(`Ready in ${seconds(result.totalMs)} (ejabberd answered ${seconds(result.readyMs)} after compose up):`);
  } else {
    console.log(`Starting ${label} (Debian's ejabberd${fresh ? ", fresh database" : ""})...`);
    const result = await startLocalServer(instance, { fresh });
    console.log(
      `Ready in ${seconds(result.totalMs)} (pid ${result.pid}; listening after ${seconds(result.listeningMs)}, ` +
        `accounts in ${seconds(result.registerMs)}):`,
    );
  }
  console.log(describeServer(instance));
}

async function stop({ instance, backend }: Command): Promise<void> {
  // Without a choice, stop whatever of ours runs: a local node and/or the container.
  if (backend !== "docker") {
    const result = await stopLocalServer(instance);
    if (result.wasRunning) console.log(`Stopped the local ${instance.name} XMPP server in ${seconds(result.stoppedMs)}.`);
    else if (backend === "local") console.log(`The local ${instance.name} XMPP server was not running.`);
  }
  if (backend === "docker" || (backend === undefined && (await dockerEngineAvailable()))) {
    await stopComposeServer(instance);
    console.log(`Stopped the ${instance.name} XMPP server container.`);
  }
}

async function status({ instance, backend }: Command): Promise<number> {
  let running = false;
  let where = "";
  let listening: ListenerStates | undefined;
  if (backend !== "docker") {
    const local = await localServerStatus(instance);
    if (local.running) [running, where, listening] = [true, `locally, pid ${local.pid}`, local.listening];
  }
  if (!running && (backend === "docker" || (backend === undefined && (await dockerEngineAvailable())))) {
    const container = await composeServerStatus(instance);
    if (container.running) [running, where, listening] = [true, "in docker compose", container.listening];
  }
  if (!running || !listening) {
    console.log(`The ${instance.name} XMPP server is not running.`);
    return 3;
  }
  console.log(`The ${instance.name} XMPP server is running ${where}:`);
  for (const key of LISTENERS) {
    const state = listening[key] ? "listening" : "NOT listening";
    console.log(`  ${PORT_LABELS[key].padEnd(20)} ${instance.host}:${instance.ports[key]}  ${state}`);
  }
  return 0;
}

async function main(): Promise<number> {
  const command = parseArgs(process.argv.slice(2));
  if (command.action === "start") await start(command);
  else if (command.action === "stop") await stop(command);
  else return status(command);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UserFacingError) {
      console.error(error.message);
      process.exit(error instanceof UsageError ? 2 : 1);
    }
    console.error(error);
    process.exit(1);
  },
);
