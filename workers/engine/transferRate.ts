/** Download rate over a sliding window, so the ETA follows the connection as it is now. */
const WINDOW_MS = 5000;
/** Less than this much history gives a rate too noisy to show. */
const MIN_SPAN_MS = 500;

export class TransferRate {
  private readonly samples: Array<{ t: number; bytes: number }> = [];
  private bytes = 0;

  constructor(private readonly now: () => number) {}

  add(n: number): void {
    const t = this.now();
    if (this.samples.length === 0) this.samples.push({ t, bytes: 0 });
    this.bytes += n;
    this.samples.push({ t, bytes: this.bytes });
    while (this.samples.length > 2 && t - this.samples[1]!.t > WINDOW_MS) this.samples.shift();
  }

  /** Bytes per second over the window, or null before there is enough history. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t - first.t < MIN_SPAN_MS) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}
