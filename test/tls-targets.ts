import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { CERTS, fromRepoRoot } from "../scripts/lib/instances";
import { runCommand } from "../scripts/lib/run";

/**
 * TLS targets made in a test: a certificate for another name than the bundled server's, and
 * a loopback listener that presents it. Shared by the integration tests and the fault specs.
 */

export interface OtherNameCertificate {
  dir: string;
  cert: string;
  key: string;
  /** The bundled certificate plus this one: what a bridge that trusts both reads. */
  trustBoth: string;
  remove(): void;
}

/** A self-signed certificate for `name` only (no IP address), made with openssl in a temp folder. */
export async function certificateFor(name: string): Promise<OtherNameCertificate> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "faults-cert-"));
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const result = await runCommand(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", key, "-out", cert],
    { timeoutMs: 60_000 },
  );
  if (result.code !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  const trustBoth = path.join(dir, "trusted.pem");
  writeFileSync(trustBoth, readFileSync(fromRepoRoot(CERTS.cert), "utf8") + readFileSync(cert, "utf8"));
  return { dir, cert, key, trustBoth, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TLS listener on loopback that presents `certificate` and then hangs up: enough to fail a handshake check. */
export async function tlsListener(certificate: OtherNameCertificate): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer({ cert: readFileSync(certificate.cert), key: readFileSync(certificate.key) }, (socket) => socket.end());
  // A client that rejects the certificate resets the socket: that is the expected outcome here.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
