/** The model-pack manifest: its types and its validation. */
export * from './parse';
export * from './types';
