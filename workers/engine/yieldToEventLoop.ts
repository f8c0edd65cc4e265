/**
 * Resolve after one macrotask, so that messages already posted to this Worker
 * are delivered first. A model run blocks the Worker's thread and the engine's
 * queue chains its jobs with microtasks, so without this boundary requests that
 * arrived during a run are only seen after the next job has started.
 * A MessageChannel message is a macrotask without setTimeout's clamping and timer
 * slack (setTimeout(0) here added ~8 ms to every λ change in `npm run bench`).
 */
const channel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
const waiting: Array<() => void> = [];
if (channel) {
  channel.port1.onmessage = () => waiting.shift()?.();
  // In Node (unit tests) an open port would keep the process alive.
  (channel.port1 as { unref?: () => void }).unref?.();
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (!channel) return void setTimeout(resolve, 0);
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
