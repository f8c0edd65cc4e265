/** Vite's base URL as an absolute URL (the cast keeps this compiling outside Vite's types, e.g. in unit tests). */
const BASE = (import.meta as ImportMeta & { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';

export const baseUrl = (): string => (typeof location === 'undefined' ? `http://localhost${BASE}` : new URL(BASE, location.href).href);
