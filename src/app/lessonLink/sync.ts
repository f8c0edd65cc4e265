/**
 * Lesson links: the store ⇄ URL hash. The hash always describes what is on screen, so copying
 * the address bar shares the lesson, and back/forward walk through it: a deliberate change
 * (sample, method, class, view, tour step…) pushes a history entry, a slider drag (τ, λ,
 * opacity, probe) replaces the current one so history is not flooded.
 *
 * On page open a hash is applied once the pack is ready: pack and gallery image first (awaited),
 * then every other field in one store update. A field that does not parse or fit keeps its
 * default, and a notice says which.
 */
import { useAppStore } from '../../store';
import { actions } from '../../store/actions';
import type { AppState } from '../../store/types';
import { LessonFieldError } from './codecs';
import { LESSON_FIELDS } from './fields';
import { decodeHash, encodeHash, LESSON_VERSION } from './hash';

/** Coalesce store changes into one history write: a drag's many updates become one replace. */
const WRITE_DELAY_MS = 120;

/** The current state's values, by key (undefined: not shared). */
export function lessonValues(s: AppState): Map<string, unknown> {
  return new Map(LESSON_FIELDS.map((f) => [f.key, f.read(s)]));
}

/** The hash that describes `s`, or null while there is nothing to share (no pack yet). */
export function lessonHash(s: AppState): string | null {
  return s.pack ? encodeHash(lessonValues(s), LESSON_FIELDS) : null;
}

/** The lesson link of the current state: this page's address with the state's hash. */
export function lessonUrl(s: AppState = useAppStore.getState()): string {
  const url = new URL(location.href);
  url.hash = lessonHash(s) ?? '';
  return url.href;
}

const get = () => useAppStore.getState();

/** While a link is being applied, its intermediate states (a new image, the old method) are not written to the hash. */
let applying = 0;

/**
 * Apply decoded values: loading fields first, in order, then every patch in one update.
 * `complete`: the values describe a whole state (a history entry), so fields left out mean
 * "none" (no drawn box, no probe, tour closed); a partial lesson (a tour step) leaves them.
 * Returns one sentence per field that could not apply.
 */
export async function applyLesson(values: ReadonlyMap<string, unknown>, complete: boolean): Promise<string[]> {
  applying++;
  try {
    return await applyFields(values, complete);
  } finally {
    applying--;
  }
}

/** Apply an in-app partial lesson (`m=cam&tau=0.5`, this version's keys), leaving the fields it lacks; problems go to a notice. */
export async function applyLessonText(text: string, extra: ReadonlyMap<string, unknown> = new Map()): Promise<void> {
  const { values, problems } = decodeHash(`v=${LESSON_VERSION}&${text}`, LESSON_FIELDS);
  for (const [k, v] of extra) values.set(k, v);
  problems.push(...(await applyLesson(values, false)));
  tell(problems);
}

async function applyFields(values: ReadonlyMap<string, unknown>, complete: boolean): Promise<string[]> {
  const problems: string[] = [];
  const explain = (label: string, err: unknown): void => {
    if (!(err instanceof LessonFieldError)) throw err;
    problems.push(`The ${label}: ${err.message}; the default was kept.`);
  };
  for (const f of LESSON_FIELDS) {
    const v = values.get(f.key);
    if (!f.load || v === undefined) continue;
    try {
      await f.load(get(), v);
    } catch (err) {
      explain(f.label, err);
    }
  }
  let s = get();
  let patch: Partial<AppState> = {};
  for (const f of LESSON_FIELDS) {
    const v = values.get(f.key);
    if (!f.write || (v === undefined && !complete)) continue;
    try {
      const p = f.write(s, v);
      if (p) {
        patch = { ...patch, ...p };
        s = { ...s, ...p };
      }
    } catch (err) {
      explain(f.label, err);
    }
  }
  useAppStore.setState({ ...patch, failed: {} });
  get().ensureResult();
  return problems;
}

function tell(problems: string[]): void {
  if (problems.length > 0) actions().addNotice(`Part of this lesson link could not be used. ${problems.join(' ')}`);
}

/**
 * Whether the page's own hash can be applied: the pack's load ended, and when it is ready, the classes
 * learned here for it are read too (the link may name one, `learned`; before they are, it would say
 * "not learned in this browser").
 */
export function packSettled(s: AppState): boolean {
  return s.packStatus === 'ready' ? s.learnedRestoredFor === s.packGen : s.packStatus === 'error' || s.packStatus === 'cancelled';
}

/**
 * Bind the store to the URL hash until the returned function is called. Starts by applying the
 * page's own hash (if any) as soon as the pack is ready.
 */
export function startLessonSync(): () => void {
  let stopped = false;
  let written: Map<string, string | undefined> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const formatted = (s: AppState) =>
    new Map(LESSON_FIELDS.map((f) => [f.key, ((v) => (v === undefined ? undefined : f.codec.format(v)))(f.read(s))]));

  const write = (): void => {
    timer = null;
    const s = get();
    const hash = lessonHash(s);
    if (stopped || hash === null) return;
    if (applying > 0) {
      schedule();
      return;
    }
    const now = formatted(s);
    if (hash === location.hash) {
      written = now;
      return;
    }
    // The first write describes the page as it opened: it replaces, so Back leaves the app as usual.
    const push = written !== null && LESSON_FIELDS.some((f) => f.history === 'push' && now.get(f.key) !== written?.get(f.key));
    history[push ? 'pushState' : 'replaceState'](history.state, '', hash);
    written = now;
  };
  const schedule = (): void => {
    if (timer === null && !stopped) timer = setTimeout(write, WRITE_DELAY_MS);
  };

  const apply = async (hash: string, complete: boolean): Promise<void> => {
    const { values, problems } = decodeHash(hash, LESSON_FIELDS);
    problems.push(...(await applyLesson(values, complete)));
    if (stopped) return;
    tell(problems);
    // What applied is now the state: describe it (a field that did not fit is dropped from the hash).
    written = formatted(get());
    const hashNow = lessonHash(get());
    if (hashNow !== null && hashNow !== location.hash) history.replaceState(history.state, '', hashNow);
  };

  const onPop = (): void => void apply(location.hash, true);
  window.addEventListener('popstate', onPop);
  const unsubscribe = useAppStore.subscribe(schedule);

  // The page's own hash waits for the pack (its fields are checked against it).
  const opening = location.hash;
  let waitForPack = (): void => {};
  let waiting = false;
  if (opening.length > 1) {
    applying++;
    waiting = true;
    const start = (): void => {
      waitForPack();
      waiting = false;
      applying--;
      if (!stopped) void apply(opening, false);
    };
    waitForPack = useAppStore.subscribe((s) => packSettled(s) && start());
    if (packSettled(get())) start();
  }

  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    unsubscribe();
    waitForPack();
    if (waiting) applying--;
    window.removeEventListener('popstate', onPop);
  };
}
