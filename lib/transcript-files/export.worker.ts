import { serveJsonExport, type ExportEndpoint } from "./export-protocol";

// The JSON export's thread, started by export-in-slices.ts for one export and ended after it.
serveJsonExport(self as unknown as ExportEndpoint);
