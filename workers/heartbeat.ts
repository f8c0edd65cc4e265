/**
 * Worker side of the liveness protocol (src/shared/heartbeat.ts): hold the
 * liveness lock for the Worker's lifetime and answer pings. Runs on the Worker's
 * event loop beside Comlink, so a ping waits at most for the current model run.
 */
import { channelName, isHeartbeatMessage, lockName, parseWorkerName, type HeartbeatMessage } from '@shared/heartbeat';

export interface HeartbeatScope {
  name: string;
  close(): void;
  navigator: { locks?: Pick<LockManager, 'request'> };
}

export function answerHeartbeats(
  scope: HeartbeatScope,
  openChannel: (name: string) => BroadcastChannel = (n) => new BroadcastChannel(n),
): void {
  const id = parseWorkerName(scope.name);
  if (!id) return;
  const channel = openChannel(channelName(id.token));
  const memories = id.testHooks ? recordWasmMemories() : [];
  const post = (m: HeartbeatMessage) => channel.postMessage(m);
  channel.onmessage = (ev: MessageEvent) => {
    const m: unknown = ev.data;
    if (!isHeartbeatMessage(m)) return;
    if (m.type === 'ping') post({ type: 'pong', seq: m.seq });
    else if (m.type === 'test-close' && id.testHooks) scope.close();
    else if (m.type === 'test-gc' && id.testHooks) (globalThis as { gc?: () => void }).gc?.();
    else if (m.type === 'test-memory' && id.testHooks) {
      post({ type: 'test-memory-report', wasmBytes: memories.reduce((s, mem) => s + mem.buffer.byteLength, 0), memories: memories.length });
    }
  };
  const locks = scope.navigator.locks;
  if (!locks) {
    post({ type: 'hello', lockHeld: false });
    return;
  }
  // Never resolves: the lock is released only when this Worker's global goes away.
  void locks.request(lockName(id.token), () => {
    post({ type: 'hello', lockHeld: true });
    return new Promise<never>(() => {});
  });
}

/**
 * Test hooks only: remember every WebAssembly.Memory created from now on (ORT's
 * threaded build creates its shared memory in JS at init), so tests can read the
 * wasm heap's size. Must run before the engine initialises ORT.
 */
function recordWasmMemories(): WebAssembly.Memory[] {
  const created: WebAssembly.Memory[] = [];
  const Original = WebAssembly.Memory;
  const Recording = function (this: unknown, descriptor: WebAssembly.MemoryDescriptor) {
    const mem = new Original(descriptor);
    created.push(mem);
    return mem;
  } as unknown as typeof WebAssembly.Memory;
  Recording.prototype = Original.prototype;
  (WebAssembly as { Memory: typeof WebAssembly.Memory }).Memory = Recording;
  return created;
}
