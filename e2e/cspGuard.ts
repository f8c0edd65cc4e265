/**
 * Playwright's `test` with a Content-Security-Policy guard: any CSP violation in
 * the page or its workers fails the test. Specs import `test` and `expect` from
 * here instead of '@playwright/test'.
 *
 * The page reports violations through `securitypolicyviolation` events (an init
 * script turns them into console errors); Chromium also logs "Refused to …
 * Content Security Policy" for workers, where no init script runs.
 */
import { test as base, expect, type ConsoleMessage } from '@playwright/test';

export interface CspViolations {
  /** Violations seen so far in this test. */
  readonly list: string[];
  /** Violations matching `pattern` are expected by this test and do not fail it. */
  allow(pattern: RegExp): void;
}

const VIOLATION = /Content Security Policy|CSP violation/i;

export const test = base.extend<{ cspViolations: CspViolations }>({
  cspViolations: [
    async ({ context }, use) => {
      const list: string[] = [];
      const allowed: RegExp[] = [];
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      const onConsole = (m: ConsoleMessage) => {
        if (VIOLATION.test(m.text())) list.push(m.text());
      };
      context.on('console', onConsole);
      const watchWorkers = (p: import('@playwright/test').Page) => p.on('worker', (w) => w.on('console', onConsole));
      context.pages().forEach(watchWorkers);
      context.on('page', watchWorkers);
      await use({ list, allow: (re) => allowed.push(re) });
      const unexpected = [...new Set(list)].filter((v) => !allowed.some((re) => re.test(v)));
      expect(unexpected, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
