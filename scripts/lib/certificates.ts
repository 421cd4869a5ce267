import { X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { UserFacingError } from "./errors";
import { CERTS, fromRepoRoot } from "./instances";
import { outputTail, runCommand } from "./run";
import { ensureCommand } from "./system-packages";

export interface CertificatePaths {
  cert: string;
  key: string;
  combined: string;
}

/** Absolute paths of the shared certificate files. */
export const certificatePaths = (): CertificatePaths => ({
  cert: fromRepoRoot(CERTS.cert),
  key: fromRepoRoot(CERTS.key),
  combined: fromRepoRoot(CERTS.combined),
});

// Regenerate a while before expiry, so a long-lived checkout never meets an expired cert.
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

// What TLS clients check (RFC 6125). conference.localhost is the MUC service's name.
const SUBJECT_ALT_NAMES = ["DNS:localhost", "DNS:conference.localhost", "IP:127.0.0.1"];

/** True when the cert exists, has every SAN above, and is not about to expire. */
function certificateIsUsable(paths: CertificatePaths): boolean {
  return existsSync(paths.combined) && isUsable(paths, SUBJECT_ALT_NAMES);
}

let making: Promise<CertificatePaths> | null = null;

/**
 * Makes sure the self-signed certificate exists under .playground/certs/
 * (generated once with openssl) and returns its absolute paths.
 *
 * One generation per process: the test setups start ejabberd and Prosody side by side, and on
 * a fresh clone both found no certificate and each made one, so one server could present a
 * certificate that the file the clients trust (NODE_EXTRA_CA_CERTS) no longer held.
 */
export function ensureCertificates(): Promise<CertificatePaths> {
  const paths = certificatePaths();
  if (certificateIsUsable(paths)) return Promise.resolve(paths);
  making ??= makeCertificates(paths).finally(() => {
    making = null;
  });
  return making;
}

async function makeCertificates(paths: CertificatePaths): Promise<CertificatePaths> {
  await makeSelfSigned(paths, "/CN=localhost", SUBJECT_ALT_NAMES);
  writeFileSync(paths.combined, readFileSync(paths.cert, "utf8") + readFileSync(paths.key, "utf8"));
  // A throwaway key for localhost; world-readable because the container's
  // ejabberd user (uid 9000) reads the bind-mounted combined PEM.
  for (const file of [paths.cert, paths.key, paths.combined]) chmodSync(file, 0o644);
  return paths;
}

/** One self-signed certificate and its key, made with openssl. */
async function makeSelfSigned(paths: { cert: string; key: string }, subject: string, subjectAltNames: readonly string[]): Promise<void> {
  const openssl = await ensureCommand("openssl");
  mkdirSync(fromRepoRoot(CERTS.dir), { recursive: true });
  const result = await runCommand(
    openssl,
    [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "825",
      "-subj", subject,
      "-addext", `subjectAltName=${subjectAltNames.join(",")}`,
      "-keyout", paths.key, "-out", paths.cert,
    ],
    { timeoutMs: 60_000 },
  );
  if (result.code !== 0) {
    throw new UserFacingError(`openssl could not create the certificate:\n${outputTail(result)}`);
  }
}

export interface ProxyCertificate {
  cert: string;
  key: string;
  /** Where the certificate is, for a client to trust. */
  certPath: string;
  /** SHA-256 fingerprint, as clients show it. */
  fingerprint: string;
}

/**
 * The proxy's own certificate for `domain` (the XMPP domain its clients log in to), made on
 * first use under .playground/certs/ and kept: a client told to trust it once keeps trusting it.
 * Not the servers' certificate: a client that trusts the proxy trusts nothing more than the proxy.
 */
export async function ensureProxyCertificate(domain: string): Promise<ProxyCertificate> {
  const safe = domain.toLowerCase().replace(/[^a-z0-9.-]+/g, "_");
  const paths = { cert: fromRepoRoot(`${CERTS.dir}/proxy-${safe}.crt.pem`), key: fromRepoRoot(`${CERTS.dir}/proxy-${safe}.key.pem`) };
  const names = [...new Set([`DNS:${domain}`, "DNS:localhost", "IP:127.0.0.1"])];
  if (!isUsable(paths, names)) await makeSelfSigned(paths, "/CN=XMPP Playground proxy", names);
  const cert = readFileSync(paths.cert, "utf8");
  return { cert, key: readFileSync(paths.key, "utf8"), certPath: paths.cert, fingerprint: new X509Certificate(cert).fingerprint256 };
}

/** Both files exist, the cert names every one of `names` (SANs) and is not about to expire. */
function isUsable(paths: { cert: string; key: string }, names: readonly string[]): boolean {
  if (!existsSync(paths.cert) || !existsSync(paths.key)) return false;
  try {
    const cert = new X509Certificate(readFileSync(paths.cert));
    const san = (cert.subjectAltName ?? "").split(", ");
    const fresh = new Date(cert.validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
    return fresh && names.every((name) => san.includes(name.replace(/^IP:/, "IP Address:")));
  } catch {
    return false;
  }
}
