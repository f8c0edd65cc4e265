/**
 * Measurements that run the app's own TypeScript in Node, like the tests, but report numbers
 * instead of asserting them (and take minutes): `npx vitest run --config scripts/measure.config.ts`.
 * Not part of `npm test`.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vite.config';

export default defineConfig((env) =>
  mergeConfig(base(env), {
    test: { include: ['scripts/**/*.measure.ts'], testTimeout: 3_600_000, reporters: ['verbose'] },
  }),
);
