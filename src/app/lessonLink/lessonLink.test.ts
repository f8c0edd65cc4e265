/**
 * Lesson links: codecs read back what they write and name what is wrong; a hash with garbled
 * fields keeps what parses; a store state survives hash → state exactly.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PackSummary } from '@shared/api';
import type { Manifest } from '@shared/manifest';
import { resetStore, useAppStore } from '../../store';
import { flag, LessonFieldError, naturalList, numberIn, oneOf, pixelBox, unitPoint } from './codecs';
import { LESSON_FIELDS } from './fields';
import { decodeHash, encodeHash, LESSON_VERSION } from './hash';
import { applyLesson, lessonHash, packSettled } from './sync';

describe('codecs', () => {
  it('read back what they write', () => {
    const tau = numberIn(0, 1, 2);
    expect(tau.parse(tau.format(0.25))).toBe(0.25);
    expect(tau.format(0.123456)).toBe('0.12');
    expect(naturalList.parse(naturalList.format([0, 99, 499]))).toEqual([0, 99, 499]);
    expect(pixelBox.parse(pixelBox.format([3, 4, 50, 60]))).toEqual([3, 4, 50, 60]);
    const p = unitPoint.parse(unitPoint.format({ x: 0.25, y: 0.5 }));
    expect(p.x).toBeCloseTo(0.25, 10);
    expect(p.y).toBeCloseTo(0.5, 10);
    expect(flag.parse(flag.format(true))).toBe(true);
  });

  it('sort and deduplicate lists', () => {
    expect(naturalList.parse('99,0,99')).toEqual([0, 99]);
  });

  it.each([
    [numberIn(0, 1, 2), 'abc'],
    [numberIn(0, 1, 2), '1.5'],
    [numberIn(0, 1, 2), ''],
    [naturalList, '1,,2'],
    [naturalList, '-1'],
    [pixelBox, '1,2,3'],
    [pixelBox, '10,10,5,20'],
    [unitPoint, '1,0.5'],
    [oneOf(['largest', 'all'] as const), 'biggest'],
    [flag, 'yes'],
  ] as const)('refuse garbage with a LessonFieldError (%#: "$1")', (codec, raw) => {
    expect(() => (codec as { parse(r: string): unknown }).parse(raw)).toThrow(LessonFieldError);
  });
});

describe('hash', () => {
  it('keeps every field that parses and names the others', () => {
    const { values, problems } = decodeHash('#v=1&m=cam&tau=abc&box=all&zz=1&t=0,99', LESSON_FIELDS);
    expect(values.get('m')).toBe('cam');
    expect(values.get('box')).toBe('all');
    expect(values.get('t')).toEqual([0, 99]);
    expect(values.has('tau')).toBe(false);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('threshold τ');
    expect(problems[1]).toContain('"zz"');
  });

  it('reads a newer or unversioned link field by field, and says so', () => {
    const newer = decodeHash(`#v=${LESSON_VERSION + 1}&m=sat`, LESSON_FIELDS);
    expect(newer.values.get('m')).toBe('sat');
    expect(newer.problems[0]).toContain('newer');
    expect(decodeHash('#m=cam', LESSON_FIELDS).problems[0]).toContain('no version');
  });

  it('decodes an empty hash to nothing, without problems', () => {
    expect(decodeHash('', LESSON_FIELDS)).toEqual({ values: new Map(), problems: [] });
    expect(decodeHash('#', LESSON_FIELDS)).toEqual({ values: new Map(), problems: [] });
  });

  it('writes the version first and fields in table order, lists and paths readable', () => {
    const hash = encodeHash(
      new Map<string, unknown>([
        ['t', [0, 99]],
        ['pack', 'https://example.org/packs/a/'],
        ['m', 'cam'],
      ]),
      LESSON_FIELDS,
    );
    expect(hash).toBe('#v=1&pack=https://example.org/packs/a/&m=cam&t=0,99');
    expect(decodeHash(hash, LESSON_FIELDS).values.get('pack')).toBe('https://example.org/packs/a/');
  });

  it('has one entry per key', () => {
    const keys = LESSON_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain('v');
  });
});

const manifest = {
  id: 'fake',
  classes: ['dog', 'cat', 'bird'].map((n, i) => ({ index: i, name: n, displayName: n })),
  genpromp: { lambda: 0.6, timesteps: [0, 99], timestepChoices: [0, 99, 499], resolutions: [4, 8] },
  unetAttention: [
    { output: 'attn_mid', resolution: 4, block: 'mid', blockIndex: 0, layer: 0, heads: 1 },
    { output: 'attn_up', resolution: 8, block: 'up', blockIndex: 1, layer: 0, heads: 1 },
  ],
  baselines: { sat: { blocks: [{}, {}] } },
  defaultThreshold: 0.25,
} as unknown as Manifest;

describe('store ⇄ hash', () => {
  beforeEach(() => {
    resetStore();
    useAppStore.setState({ pack: { manifest } as unknown as PackSummary, packStatus: 'ready' });
  });

  it('a state written as a hash and applied to a fresh store gives the same hash', async () => {
    const s = useAppStore.getState();
    useAppStore.setState({
      params: { classIndex: 2, threshold: 0.37, boxMode: 'all' },
      own: {
        ...s.own,
        genpromp: { lambda: 0.4, timesteps: [0, 499], resolutions: [8], groups: ['8:up'] },
        lpcam: { context: false },
        sat: { block: 1 },
      },
      methods: { method: 'lpcam', layout: 'compare' },
      view: { colormap: 'jet', opacity: 0.7, showGt: false, compareBaselines: true },
      drawnGt: [5, 6, 20, 30],
      probe: { x: 0.125, y: 0.75 },
      tour: { step: 4, open: true },
      lab: { view: 'timestepGrid', fineLambda: true, playing: false },
    });
    const hash = lessonHash(useAppStore.getState())!;
    expect(hash).toBe(
      '#v=1&m=lpcam&view=compare&base=1&cls=2&tau=0.37&box=all&lam=0.4&t=0,499&res=8&groups=8:up&lab=timestepGrid&fine=1&lpctx=0&sat=1&cmap=jet&alpha=0.7&gtShow=0&gt=5,6,20,30&probe=0.125,0.75&tour=5',
    );

    resetStore();
    useAppStore.setState({ pack: { manifest } as unknown as PackSummary, packStatus: 'ready' });
    const { values, problems } = decodeHash(hash, LESSON_FIELDS);
    expect(problems).toEqual([]);
    expect(await applyLesson(values, true)).toEqual([]);
    const after = useAppStore.getState();
    expect(lessonHash(after)).toBe(hash);
    expect(after.tour).toEqual({ step: 4, open: true });
    expect(after.drawnGt).toEqual([5, 6, 20, 30]);
  });

  it('a whole-state entry without a box, probe or tour clears them; a partial lesson leaves them', async () => {
    useAppStore.setState({ drawnGt: [1, 1, 4, 4], probe: { x: 0.5, y: 0.5 }, tour: { step: 2, open: true } });
    await applyLesson(decodeHash('#v=1&m=cam', LESSON_FIELDS).values, false);
    expect(useAppStore.getState().drawnGt).toEqual([1, 1, 4, 4]);
    expect(useAppStore.getState().methods.method).toBe('cam');
    await applyLesson(decodeHash('#v=1&m=cam', LESSON_FIELDS).values, true);
    const s = useAppStore.getState();
    expect(s.drawnGt).toBeNull();
    expect(s.probe).toBeNull();
    expect(s.tour).toEqual({ step: 2, open: false });
  });

  it('a value that does not fit the pack keeps its default and is named; the rest applies', async () => {
    const { values } = decodeHash('#v=1&cls=7&groups=8:up,64:down&sat=5&tau=0.8', LESSON_FIELDS);
    const problems = await applyLesson(values, false);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('3 classes');
    expect(problems[1]).toContain('64:down is not among');
    expect(problems[2]).toContain('2 SAT blocks');
    expect(useAppStore.getState().own.genpromp.groups).toBeNull();
    const s = useAppStore.getState();
    expect(s.params.threshold).toBe(0.8);
    expect(s.params.classIndex).toBeNull();
    expect(s.own.sat.block).toBe('mean');
  });

  it('a class learned here travels by its name; a browser without it says how to get it', async () => {
    const learned = {
      id: 'x',
      index: 3,
      name: 'Snail',
      word: 'animal',
      conceptRow: new Float32Array(1),
      head: null,
      preview: null,
      losses: [],
      msPerStep: 0,
    };
    useAppStore.setState((st) => ({ learned: [learned], params: { ...st.params, classIndex: 3 } }));
    const hash = lessonHash(useAppStore.getState())!;
    expect(hash).toContain('learned=Snail');
    expect(hash).not.toContain('cls=');
    useAppStore.setState((st) => ({ params: { ...st.params, classIndex: 0 } }));
    await applyLesson(decodeHash('#v=1&learned=snail', LESSON_FIELDS).values, false);
    expect(useAppStore.getState().params.classIndex).toBe(3); // names match without case
    useAppStore.setState({ learned: [] });
    await applyLesson(decodeHash('#v=1&learned=Snail&m=cam', LESSON_FIELDS).values, false);
    const s = useAppStore.getState();
    expect(s.notices.map((n) => n.text).join(' ')).toContain('"Snail", a class taught in its author’s browser');
    expect(s.methods.method).toBe('cam');
  });

  it('the page’s own hash waits for the classes learned here, not only for the pack', () => {
    useAppStore.setState({ packStatus: 'loading', packGen: 0, learnedRestoredFor: -1 });
    expect(packSettled(useAppStore.getState())).toBe(false);
    useAppStore.setState({ packStatus: 'ready', packGen: 1 }); // the pack is in, IndexedDB not read yet
    expect(packSettled(useAppStore.getState())).toBe(false);
    useAppStore.setState({ learnedRestoredFor: 1 });
    expect(packSettled(useAppStore.getState())).toBe(true);
    useAppStore.setState({ packStatus: 'error', packGen: 0, learnedRestoredFor: -1 }); // no pack at all
    expect(packSettled(useAppStore.getState())).toBe(true);
  });

  it('a link made on a dropped image says so to whoever opens it, and the image is never named', async () => {
    await applyLesson(decodeHash('#v=1&img=own&m=cam', LESSON_FIELDS).values, false);
    const s = useAppStore.getState();
    expect(s.notices.map((n) => n.text).join(' ')).toContain('cannot travel in a link');
    expect(s.methods.method).toBe('cam');
    expect(lessonHash(s)).not.toContain('img=');
  });
});
