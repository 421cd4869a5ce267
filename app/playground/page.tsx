import { Workbench } from "@/components/workbench/workbench";
import { BUNDLED_DOMAIN, DEMO_ACCOUNTS } from "@/lib/demo-accounts";

export const metadata = { title: "Workbench · XMPP Playground" };

export default function PlaygroundPage() {
  return <Workbench accounts={DEMO_ACCOUNTS} domain={BUNDLED_DOMAIN} />;
}
