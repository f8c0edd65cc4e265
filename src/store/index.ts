/**
 * The app store: one zustand store built from typed slices. State only — the
 * async work lives in ./actions (module-level functions calling setState).
 */
import { create, type StateCreator } from 'zustand';
import type {
  AppState,
  DeviceSlice,
  ErrorSlice,
  ImageSlice,
  PackSlice,
  ParamsSlice,
  ProgressSlice,
  ResultsSlice,
} from './types';

type Slice<T> = StateCreator<AppState, [], [], T>;

/** Vite's base URL (the cast keeps this file compiling outside Vite's types, e.g. in unit tests). */
const BASE = (import.meta as ImportMeta & { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';

const baseUrl = (): string => (typeof location === 'undefined' ? `http://localhost${BASE}` : new URL(BASE, location.href).href);

const deviceSlice: Slice<DeviceSlice> = () => ({ device: null, engineStatus: 'starting' });

const packSlice: Slice<PackSlice> = () => ({
  packIndex: [],
  indexUrl: new URL('models/index.json', baseUrl()).href,
  pack: null,
  packGen: 0,
  packStatus: 'idle',
  loadingUrl: null,
});

const progressSlice: Slice<ProgressSlice> = () => ({ progress: {}, progressPhase: null });

const imageSlice: Slice<ImageSlice> = () => ({
  image: null,
  samples: null,
  samplesBase: new URL('samples/', baseUrl()).href,
  decoding: false,
});

/** Until a pack is loaded; replaced by the manifest's defaults on every pack load. */
export const INITIAL_PARAMS: ParamsSlice['params'] = {
  classIndex: null,
  lambda: 0,
  timesteps: [],
  resolutions: [],
  threshold: 0.5,
  boxMode: 'largest',
};

export const INITIAL_METHODS: ParamsSlice['methods'] = { method: 'genpromp', layout: 'single', lpcamContext: true, satBlock: 'mean' };

const paramsSlice: Slice<ParamsSlice> = () => ({
  params: INITIAL_PARAMS,
  methods: INITIAL_METHODS,
  view: { colormap: 'viridis', opacity: 0.55, showGt: true },
});

const resultsSlice: Slice<ResultsSlice> = () => ({
  analysis: null,
  computedTimesteps: [],
  display: null,
  pending: { analyze: false, maps: false, local: false },
  failedKey: null,
});

const errorSlice: Slice<ErrorSlice> = () => ({ error: null, notices: [] });

export const useAppStore = create<AppState>()((...a) => ({
  ...deviceSlice(...a),
  ...packSlice(...a),
  ...progressSlice(...a),
  ...imageSlice(...a),
  ...paramsSlice(...a),
  ...resultsSlice(...a),
  ...errorSlice(...a),
}));

export type { AppState } from './types';
