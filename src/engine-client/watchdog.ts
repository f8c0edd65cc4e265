/**
 * Page side of the liveness protocol (src/shared/heartbeat.ts): notices a Worker
 * that died without an `error` event (closed, or killed for lack of memory).
 *
 * Two signals:
 * - the liveness lock: granted to the page exactly when the Worker is gone;
 * - pings: a ping unanswered for `idleTimeoutMs` means the Worker is gone or
 *   wedged. A model run blocks the Worker's thread for seconds, so while a call
 *   is in flight the wait is extended to `busyTimeoutMs` — or unlimited when the
 *   lock is watched, since the lock already reports a death and a slow model
 *   compile must not be taken for one. The clock starts at the
 *   ping's send time, so a throttled background tab (timers once a minute) does
 *   not look like a dead Worker.
 */
import { channelName, isHeartbeatMessage, lockName, type HeartbeatMessage } from '@shared/heartbeat';

export interface WatchdogOptions {
  token: string;
  /** Whether a call to the Worker is in flight (its thread may be busy in a model run). */
  busy(): boolean;
  /** Called at most once, when the Worker is found dead. */
  onDeath(message: string): void;
  pingIntervalMs?: number;
  idleTimeoutMs?: number;
  busyTimeoutMs?: number;
  locks?: Pick<LockManager, 'request'> | undefined;
  openChannel?: (name: string) => BroadcastChannel;
  now?: () => number;
}

export const DEFAULT_PING_INTERVAL_MS = 2_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 15_000;
/** Longer than any single model run we expect on wasm (a full SD UNet step is well under this). */
export const DEFAULT_BUSY_TIMEOUT_MS = 300_000;

export const SILENT_DEATH_MESSAGE =
  'the engine worker was closed without reporting an error (for example, the browser stopped it for lack of memory)';

export class WorkerWatchdog {
  private readonly channel: BroadcastChannel;
  private readonly abortLock = new AbortController();
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  private seq = 0;
  /** Send time of the oldest unanswered ping, and its sequence number. */
  private oldestUnanswered: { seq: number; sentAt: number } | null = null;
  private lastBusyAt = -Infinity;
  /** The liveness lock is being waited on: it, not the ping, reports a death. */
  private lockWatched = false;
  private memoryWaiters: Array<(r: { wasmBytes: number; memories: number }) => void> = [];
  private readonly now: () => number;

  constructor(private readonly o: WatchdogOptions) {
    this.now = o.now ?? (() => performance.now());
    this.channel = (o.openChannel ?? ((n) => new BroadcastChannel(n)))(channelName(o.token));
    this.channel.onmessage = (ev: MessageEvent) => this.onMessage(ev.data);
  }

  /** Ask the Worker to close silently (test hooks only; the Worker ignores it otherwise). */
  sendTestClose(): void {
    this.post({ type: 'test-close' });
  }

  /** Ask the Worker to collect garbage (test hooks only), e.g. before measuring memory. */
  sendTestGc(): void {
    this.post({ type: 'test-gc' });
  }

  /** The wasm memory the Worker has allocated (test hooks only; never settles otherwise). */
  requestTestMemory(): Promise<{ wasmBytes: number; memories: number }> {
    return new Promise((resolve) => {
      this.memoryWaiters.push(resolve);
      this.post({ type: 'test-memory' });
    });
  }

  /** Stop watching (the client is replacing or terminating this Worker on purpose). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.abortLock.abort();
    this.channel.close();
  }

  private post(m: HeartbeatMessage): void {
    if (!this.stopped) this.channel.postMessage(m);
  }

  private onMessage(data: unknown): void {
    if (this.stopped || !isHeartbeatMessage(data)) return;
    if (data.type === 'hello') {
      // Pings start only now: messages sent before the Worker opened its channel are lost.
      if (this.timer === null) this.timer = setInterval(() => this.tick(), this.o.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS);
      if (data.lockHeld) this.waitForLock();
    } else if (data.type === 'test-memory-report') {
      for (const w of this.memoryWaiters.splice(0)) w({ wasmBytes: data.wasmBytes, memories: data.memories });
    } else if (data.type === 'pong') {
      if (this.oldestUnanswered && data.seq >= this.oldestUnanswered.seq) this.oldestUnanswered = null;
    }
  }

  private waitForLock(): void {
    const locks = this.o.locks;
    if (!locks) return;
    this.lockWatched = true;
    locks
      .request(lockName(this.o.token), { signal: this.abortLock.signal }, () => {
        // Granted: the Worker that held it is gone. Release at once.
        this.die(SILENT_DEATH_MESSAGE);
      })
      .catch(() => {
        // Aborted by stop(): nothing to do.
      });
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.now();
    const pending = this.oldestUnanswered;
    const busy = this.o.busy();
    if (busy) this.lastBusyAt = now;
    if (pending) {
      const waited = now - pending.sentAt;
      // Idle time counts from the last moment a call was seen in flight: the pong
      // queued behind a long run arrives just after that run's result.
      const idleWait = now - Math.max(pending.sentAt, this.lastBusyAt);
      const overBusy = !this.lockWatched && waited > (this.o.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
      const overIdle = !busy && idleWait > (this.o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
      if (overBusy || overIdle) {
        this.die(`the engine worker stopped answering (no reply for ${Math.round(waited / 1000)} s)`);
        return;
      }
    }
    this.seq++;
    this.oldestUnanswered ??= { seq: this.seq, sentAt: now };
    this.post({ type: 'ping', seq: this.seq });
  }

  private die(message: string): void {
    if (this.stopped) return;
    this.stop();
    this.o.onDeath(message);
  }
}
