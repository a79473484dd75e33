// Headless Debian Chromium driven by playwright-core, for the tests that need
// a real browser (the HTML viewer, Mermaid rendering). Never downloads a
// browser: where /usr/bin/chromium is absent the tests skip with a notice.

import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.LOOPCHECK_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

if (!HAVE_CHROMIUM) {
  console.warn(
    `\n*** ${CHROMIUM} not found: SKIPPING the browser tests (HTML viewer, Mermaid rendering).\n` +
      '*** Install Debian\'s chromium (apt-get install -y chromium) to run them; .ci/run does.\n',
  );
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}
