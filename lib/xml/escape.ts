const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/**
 * Escapes the five characters XML gives a meaning to, so a value is safe as character
 * data and inside an attribute quoted with either ' or " (XML 1.0 sections 2.4 and 3.1).
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);
}
