import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download browsers here).
 * scripts/test-all.sh starts the portal on a scratch data folder and sets PLAYWRIGHT_URL;
 * run on its own (`yarn test:e2e`) it starts the portal with `scripts/portal.sh start`.
 */
const baseURL = process.env.PLAYWRIGHT_URL ?? 'http://localhost:7007';
// test-all.sh runs Playwright twice (before and after a restart): one folder per run.
const outputDir = process.env.PLAYWRIGHT_OUTPUT_DIR ?? 'e2e-artifacts/e2e';

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: `${outputDir}/results.json` }],
    ['html', { open: 'never', outputFolder: `${outputDir}/report` }],
  ],
  webServer: process.env.PLAYWRIGHT_URL
    ? []
    : [
        {
          command: 'bash scripts/portal.sh start',
          url: `${baseURL}/.backstage/health/v1/readiness`,
          reuseExistingServer: true,
          timeout: 900_000,
        },
      ],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Background networking off: this machine has no internet, and Chromium's own
      // connections would otherwise be refused over and over.
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
  outputDir: `${outputDir}/test-results`,
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
