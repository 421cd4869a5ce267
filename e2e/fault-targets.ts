import { FAULTS_SERVER, SLOT } from "../scripts/lib/instances";
import { startAppProcess, type AppProcess } from "./app-process";

export { certificateFor, tlsListener, type OtherNameCertificate } from "../test/tls-targets";

/**
 * The fault specs' own app server, beside the end-to-end worlds' (3100 + slot) and the bench's
 * (3200 + slot): started here and stopped only by its own PID, so killing it spares the suite's.
 */
export const FAULTS_APP_PORT = 3300 + SLOT;

export type OwnApp = AppProcess;

/** Starts the built app on FAULTS_APP_PORT against the faults ejabberd. */
export function startOwnApp(env: Record<string, string>): Promise<OwnApp> {
  return startAppProcess({ port: FAULTS_APP_PORT, server: FAULTS_SERVER, env });
}
