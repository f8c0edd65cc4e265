/**
 * Resolve after one macrotask, so that messages already posted to this Worker
 * are delivered first. A model run blocks the Worker's thread and the engine's
 * queue chains its jobs with microtasks, so without this boundary requests that
 * arrived during a run are only seen after the next job has started.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
