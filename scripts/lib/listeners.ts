import { LISTENERS, PORT_LABELS, type ListeningServer, type ServerPorts } from "./instances";
import { canConnect, type PortToCheck } from "./ports";

export type ListenerStates = Record<keyof ServerPorts, boolean>;

/** An instance's listener ports, labelled for assertPortsFree's messages. */
export function listenerPorts(instance: ListeningServer): PortToCheck[] {
  return LISTENERS.map((key) => ({ port: instance.ports[key], host: instance.host, label: PORT_LABELS[key] }));
}

/** Which listeners accept a TCP connection now. */
export async function probeListeners(instance: ListeningServer): Promise<ListenerStates> {
  const open = await Promise.all(LISTENERS.map((key) => canConnect(instance.ports[key], instance.host, 500)));
  return Object.fromEntries(LISTENERS.map((key, i) => [key, open[i] ?? false])) as ListenerStates;
}

/** Every listener marked closed (a server that is not running). */
export const allClosed = (): ListenerStates =>
  Object.fromEntries(LISTENERS.map((key) => [key, false])) as ListenerStates;
