import { CaptureViewer } from "@/components/files/capture-viewer";

export const metadata = { title: "Captures · XMPP Playground" };

/** Captures are read offline, entirely in the browser: nothing to load on the server. */
export default function CapturesPage() {
  return <CaptureViewer />;
}
