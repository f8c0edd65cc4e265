/** The Cache API's part the pack loader uses, in memory, for Node tests. */
import type { CacheLike } from '../engine/packLoader';

export class MemoryCache implements CacheLike {
  readonly store = new Map<string, Uint8Array>();
  async match(key: string) {
    const v = this.store.get(key);
    return v ? new Response(v as Uint8Array<ArrayBuffer>) : undefined;
  }
  async put(key: string, res: Response) {
    this.store.set(key, new Uint8Array(await res.arrayBuffer()));
  }
  async delete(key: string) {
    return this.store.delete(key);
  }
}
