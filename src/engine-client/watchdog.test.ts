/**
 * The liveness protocol end to end, page watchdog against the Worker's side,
 * over in-memory channels and a fake lock manager with fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockName, workerName } from '@shared/heartbeat';
import { answerHeartbeats, type HeartbeatScope } from '../../workers/heartbeat';
import { DEFAULT_BUSY_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, SILENT_DEATH_MESSAGE, WorkerWatchdog } from './watchdog';

/** BroadcastChannel semantics: a message reaches the other open channels of the same name, asynchronously. */
class ChannelHub {
  private open = new Set<FakeChannel>();
  /** When false, messages are dropped (a Worker whose thread never gets to them). */
  delivering = true;
  create = (name: string): BroadcastChannel => {
    const ch = new FakeChannel(name, this);
    this.open.add(ch);
    return ch as unknown as BroadcastChannel;
  };
  send(from: FakeChannel, data: unknown): void {
    if (!this.delivering) return;
    for (const ch of this.open) {
      if (ch !== from && ch.name === from.name) queueMicrotask(() => ch.onmessage?.({ data } as MessageEvent));
    }
  }
  close(ch: FakeChannel): void {
    this.open.delete(ch);
  }
}

class FakeChannel {
  onmessage: ((ev: MessageEvent) => void) | null = null;
  constructor(
    readonly name: string,
    private hub: ChannelHub,
  ) {}
  postMessage(data: unknown): void {
    this.hub.send(this, data);
  }
  close(): void {
    this.hub.close(this);
  }
}

/** Exclusive locks: one holder per name, waiters granted in order, abortable. */
class FakeLocks {
  private held = new Map<string, () => void>();
  private waiters = new Map<string, Array<() => void>>();

  request(name: string, a: LockOptions | LockGrantedCallback<unknown>, b?: LockGrantedCallback<unknown>): Promise<unknown> {
    const cb = (typeof a === 'function' ? a : b)!;
    const signal = typeof a === 'function' ? undefined : a.signal;
    return new Promise((resolve, reject) => {
      const grant = () => {
        let release!: () => void;
        const forced = new Promise<void>((r) => (release = r));
        this.held.set(name, release);
        const result = Promise.resolve().then(() => cb(null));
        result.then(resolve, reject);
        // Released when the callback settles or the holder goes away.
        void Promise.race([result.then(noop, noop), forced]).then(() => {
          if (this.held.get(name) === release) this.handOver(name);
        });
      };
      if (!this.held.has(name)) {
        grant();
        return;
      }
      const queue = this.waiters.get(name) ?? [];
      queue.push(grant);
      this.waiters.set(name, queue);
      signal?.addEventListener('abort', () => {
        const q = this.waiters.get(name) ?? [];
        const i = q.indexOf(grant);
        if (i >= 0) q.splice(i, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }

  /** The holder's global went away (Worker closed or killed): its lock is released. */
  releaseHolder(name: string): void {
    this.held.get(name)?.();
  }

  private handOver(name: string): void {
    this.held.delete(name);
    const next = this.waiters.get(name)?.shift();
    next?.();
  }
}

const noop = () => undefined;
const token = 'tok-1';
let hub: ChannelHub;
let locks: FakeLocks;
let deaths: string[];
let inFlight: boolean;
let closed: boolean;

function startWorker(testHooks = false, withLocks = true): void {
  const scope: HeartbeatScope = {
    name: workerName({ token, testHooks }),
    close: () => {
      closed = true;
      locks.releaseHolder(lockName(token));
    },
    navigator: withLocks ? { locks: locks as unknown as LockManager } : {},
  };
  answerHeartbeats(scope, hub.create);
}

function startWatchdog(withLocks = true): WorkerWatchdog {
  return new WorkerWatchdog({
    token,
    busy: () => inFlight,
    onDeath: (m) => deaths.push(m),
    locks: withLocks ? (locks as unknown as LockManager) : undefined,
    openChannel: hub.create,
    now: () => Date.now(),
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  hub = new ChannelHub();
  locks = new FakeLocks();
  deaths = [];
  inFlight = false;
  closed = false;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('WorkerWatchdog', () => {
  it('reports a Worker whose liveness lock is released (closed without an error event), once', async () => {
    const dog = startWatchdog();
    startWorker();
    await vi.advanceTimersByTimeAsync(10);
    expect(deaths).toEqual([]);
    locks.releaseHolder(lockName(token));
    await vi.advanceTimersByTimeAsync(10);
    expect(deaths).toEqual([SILENT_DEATH_MESSAGE]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(deaths).toHaveLength(1);
    dog.stop();
  });

  it('stays quiet for minutes while the Worker answers pings', async () => {
    const dog = startWatchdog();
    startWorker();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(deaths).toEqual([]);
    dog.stop();
  });

  // Without Web Locks, only pings tell: an idle Worker that stops answering is dead after the
  // idle timeout; one inside a long model run (a call in flight) only after the busy timeout.
  it.each([
    { when: 'idle', busy: false, timeout: DEFAULT_IDLE_TIMEOUT_MS },
    { when: 'a long model run is in flight', busy: true, timeout: DEFAULT_BUSY_TIMEOUT_MS },
  ])('without Web Locks, unanswered pings while $when mean death only after its timeout', async ({ busy, timeout }) => {
    const dog = startWatchdog(false);
    startWorker(false, false);
    await vi.advanceTimersByTimeAsync(5_000);
    inFlight = busy;
    hub.delivering = false; // nothing answers: the Worker is gone, or its thread is inside a model run
    await vi.advanceTimersByTimeAsync(timeout - 5_000);
    expect(deaths).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(deaths).toHaveLength(1);
    expect(deaths[0]).toMatch(/stopped answering/);
    dog.stop();
  });

  it('with the lock watched, even a run longer than the busy timeout is not a death; the lock still reports one', async () => {
    const dog = startWatchdog();
    startWorker();
    await vi.advanceTimersByTimeAsync(5_000);
    inFlight = true;
    hub.delivering = false; // e.g. compiling a very large model
    await vi.advanceTimersByTimeAsync(DEFAULT_BUSY_TIMEOUT_MS * 3);
    expect(deaths).toEqual([]);
    locks.releaseHolder(lockName(token));
    await vi.advanceTimersByTimeAsync(10);
    expect(deaths).toEqual([SILENT_DEATH_MESSAGE]);
    dog.stop();
  });

  it('the pong queued behind a long run arrives after the call settles: no false alarm', async () => {
    const dog = startWatchdog(false);
    startWorker(false, false);
    await vi.advanceTimersByTimeAsync(5_000);
    inFlight = true;
    hub.delivering = false;
    await vi.advanceTimersByTimeAsync(60_000);
    // The run ends: the call settles, and the Worker answers within a tick or two.
    inFlight = false;
    await vi.advanceTimersByTimeAsync(3_000);
    hub.delivering = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(deaths).toEqual([]);
    dog.stop();
  });

  it('pings start only after the Worker says hello (earlier messages would be lost)', async () => {
    const dog = startWatchdog(false);
    await vi.advanceTimersByTimeAsync(DEFAULT_IDLE_TIMEOUT_MS * 3);
    expect(deaths).toEqual([]);
    startWorker(false, false);
    await vi.advanceTimersByTimeAsync(DEFAULT_IDLE_TIMEOUT_MS * 3);
    expect(deaths).toEqual([]);
    dog.stop();
  });

  it('stop() before an intentional terminate: the released lock is not reported', async () => {
    const dog = startWatchdog();
    startWorker();
    await vi.advanceTimersByTimeAsync(10);
    dog.stop();
    locks.releaseHolder(lockName(token));
    hub.delivering = false;
    await vi.advanceTimersByTimeAsync(DEFAULT_BUSY_TIMEOUT_MS * 2);
    expect(deaths).toEqual([]);
  });

  it('the test-close hook closes only a Worker started with test hooks', async () => {
    /** Start a Worker (with or without hooks), send the test close, and say whether it closed. */
    const tryClose = async (testHooks: boolean): Promise<boolean> => {
      hub = new ChannelHub();
      locks = new FakeLocks();
      closed = false;
      const dog = startWatchdog();
      startWorker(testHooks);
      await vi.advanceTimersByTimeAsync(10);
      dog.sendTestClose();
      await vi.advanceTimersByTimeAsync(10);
      dog.stop();
      return closed;
    };
    expect(await tryClose(false)).toBe(false);
    expect(deaths).toEqual([]);
    expect(await tryClose(true)).toBe(true);
    expect(deaths).toEqual([SILENT_DEATH_MESSAGE]); // and the watchdog noticed the silent death
  });

  it('test hooks report the wasm memory the Worker created after it started', async () => {
    const OriginalMemory = WebAssembly.Memory;
    try {
      const dog = startWatchdog();
      startWorker(true);
      new WebAssembly.Memory({ initial: 3 });
      const report = dog.requestTestMemory();
      await vi.advanceTimersByTimeAsync(10);
      expect(await report).toEqual({ wasmBytes: 3 * 65536, memories: 1 });
      dog.stop();
    } finally {
      WebAssembly.Memory = OriginalMemory;
    }
  });
});
