import { defineConfig } from '@playwright/test';

// Browser tests for Sterk. e2e/run.sh starts a server with demo data for each database
// backend and points STERK_URL at it. The browser is Debian's chromium: Playwright's own
// browser downloads are never used.
const baseURL = process.env.STERK_URL ?? 'http://127.0.0.1:8080';
// The behaviour pass (e2e/run.sh sets STERK_E2E_PASS=behaviour on the second backend):
// every journey again on another database, without what only depends on the HTML that
// is the same on both (axe, print and reflow layouts, the French sweep of every page).
const behaviourOnly = process.env.STERK_E2E_PASS === 'behaviour';

export default defineConfig({
  testDir: './tests',
  testIgnore: behaviourOnly ? ['**/print.spec.ts', '**/reflow.spec.ts'] : [],
  grepInvert: behaviourOnly ? /@rendering/ : undefined,
  // Generous: on a busy 2-core machine a sweep of every page of a role takes a while.
  timeout: 180_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: 'list',
  outputDir: './test-results',
  use: {
    baseURL,
    // The interface language when nobody chose one comes from Accept-Language: Dutch.
    locale: 'nl-BE',
    timezoneId: 'Europe/Brussels',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.STERK_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
