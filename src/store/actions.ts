/**
 * The store's actions for components and app code, as plain functions. They are
 * defined in the slices (./slices) and never replaced, except by `resetStore()` in tests.
 */
import { useAppStore } from './index';

/** The current store's actions (use this in code that may run after a test's `resetStore()`). */
export const actions = () => useAppStore.getState();
