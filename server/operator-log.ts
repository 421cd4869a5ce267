import { redactXml } from "../lib/xmpp/redaction";

/**
 * The bridge's log for the operator. Its lines are operational, yet an error message can
 * quote what a server or a person sent; every line passes the one redactor, so no
 * credential reaches a terminal or a log file.
 */
export function operatorLog(write: (line: string) => void = (line) => console.log(line)): (line: string) => void {
  return (line) => write(`[bridge] ${redactXml(line)}`);
}
