// Sum the suites' reports into one closing line; a suite with no report or no test fails the run.
import { existsSync, readFileSync } from 'node:fs';

const suites = [];
const vitest = 'test-results/vitest.json';
if (existsSync(vitest)) {
  const r = JSON.parse(readFileSync(vitest, 'utf8'));
  suites.push({
    name: 'vitest',
    passed: r.numPassedTests,
    failed: r.numFailedTests + (r.numFailedTestSuites ?? 0),
    skipped: r.numPendingTests + r.numTodoTests,
  });
} else suites.push({ name: 'vitest', missing: true });

const pytest = 'test-results/pytest.xml';
if (existsSync(pytest)) {
  const x = readFileSync(pytest, 'utf8');
  const attr = (n) => Number((x.match(new RegExp(`<testsuite[^>]*\\s${n}="(\\d+)"`)) ?? [])[1] ?? 0);
  const tests = attr('tests'),
    failures = attr('failures'),
    errors = attr('errors'),
    skipped = attr('skipped');
  suites.push({ name: 'pytest', passed: tests - failures - errors - skipped, failed: failures + errors, skipped });
} else suites.push({ name: 'pytest', missing: true });

const pw = 'test-results/playwright.json';
if (existsSync(pw)) {
  const s = JSON.parse(readFileSync(pw, 'utf8')).stats;
  suites.push({ name: 'playwright', passed: s.expected, failed: s.unexpected + s.flaky, skipped: s.skipped });
} else suites.push({ name: 'playwright', missing: true });

let ok = true;
for (const s of suites) {
  if (s.missing) {
    console.log(`${s.name}: no report — the suite did not run`);
    ok = false;
  } else {
    console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    if (s.passed === 0) ok = false;
    if (s.skipped > 0) console.log(`  (${s.name} skipped ${s.skipped}: see its log above)`);
  }
}
const sum = (k) => suites.reduce((a, s) => a + (s[k] ?? 0), 0);
console.log(`total: ${sum('passed')} passed, ${sum('failed') + suites.filter((s) => s.missing).length} failed, ${sum('skipped')} skipped`);
process.exit(ok && sum('failed') === 0 ? 0 : 1);
