import { ensureCertificates } from "../scripts/lib/certificates";

/** The servers' certificate, trusted by the test's clients (the lessons' STARTTLS). Workers are forked after this runs. */
export default async function setup(): Promise<void> {
  process.env.NODE_EXTRA_CA_CERTS = (await ensureCertificates()).cert;
}
