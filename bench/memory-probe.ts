/**
 * Preloaded into the bench's app server (node --import): answers a "memory" message on the
 * IPC channel with the process's memory after a full collection, so a case can sample the
 * bridge's heap from outside without any hook in the server itself.
 */
const collect = (globalThis as { gc?: () => void }).gc;

process.on("message", (message) => {
  if (message !== "memory") return;
  collect?.();
  process.send?.({ memory: process.memoryUsage(), collected: collect !== undefined });
});
// The channel must not keep the server alive once it is told to stop.
process.channel?.unref();
