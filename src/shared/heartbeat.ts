/**
 * Liveness protocol between the engine client (page) and the engine Worker,
 * kept outside Comlink so that it works while the engine's calls are queued.
 *
 * - The Worker holds a Web Lock named after its token for its whole life; the
 *   page asks for the same lock, which it is granted exactly when the Worker is
 *   gone (closed, terminated, killed for memory) — no event needed.
 * - Over a BroadcastChannel the page pings and the Worker pongs: a fallback for
 *   browsers without Web Locks and for a Worker that stops answering.
 *
 * The token and the test-hooks flag travel in the Worker's `name`, which the
 * Worker can read before any message arrives.
 */

export const ENGINE_WORKER_NAME = 'wsol-engine';

export type HeartbeatMessage =
  /** Worker → page: started; `lockHeld` when it holds the liveness lock. */
  | { type: 'hello'; lockHeld: boolean }
  | { type: 'ping'; seq: number }
  | { type: 'pong'; seq: number }
  /** Page → Worker, honoured only with test hooks on: close silently (no error event), as an OOM kill would. */
  | { type: 'test-close' }
  /** Page → Worker, test hooks only: run a full GC if the browser exposes gc() (--js-flags=--expose-gc). */
  | { type: 'test-gc' }
  /** Page → Worker, test hooks only: report the size of the wasm memories this Worker created. */
  | { type: 'test-memory' }
  | { type: 'test-memory-report'; wasmBytes: number; memories: number };

export interface WorkerIdentity {
  token: string;
  testHooks: boolean;
}

export function workerName(id: WorkerIdentity): string {
  return `${ENGINE_WORKER_NAME}#${id.token}${id.testHooks ? '#test-hooks' : ''}`;
}

/** The identity in a Worker's name, or null for a name this module did not make. */
export function parseWorkerName(name: string): WorkerIdentity | null {
  const [prefix, token, flag] = name.split('#');
  if (prefix !== ENGINE_WORKER_NAME || !token) return null;
  return { token, testHooks: flag === 'test-hooks' };
}

export const lockName = (token: string) => `wsol-engine-alive:${token}`;
export const channelName = (token: string) => `wsol-engine-heartbeat:${token}`;

export function isHeartbeatMessage(v: unknown): v is HeartbeatMessage {
  const t = (v as { type?: unknown } | null)?.type;
  return ['hello', 'ping', 'pong', 'test-close', 'test-gc', 'test-memory', 'test-memory-report'].includes(t as string);
}
