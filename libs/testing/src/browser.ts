// Not in the package index: only the page tests load puppeteer (`@faultline/testing/browser`).
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { type Browser, launch } from 'puppeteer-core';

/** Debian's Chromium, which provisioning installs: no browser is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A headless Chromium for a suite's page tests. Besides puppeteer's defaults (no background
 * networking, no component updates), nothing it does leaves the machine: no DNS prefetch, no
 * proxy lookup, and every host but loopback resolves nowhere.
 */
export function launchBrowser(): Promise<Browser> {
  return launch({
    executablePath: CHROMIUM,
    headless: true,
    defaultViewport: { width: 1400, height: 1000 },
    args: [
      // Tests run as root in CI, where Chromium's sandbox cannot start.
      '--no-sandbox',
      '--disable-gpu',
      '--no-proxy-server',
      '--dns-prefetch-disable',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
    ],
  });
}

/**
 * Fails unless a screenshot shows something: a blank or one-colour page has few colours and
 * almost every pixel the same as the first.
 */
export function assertNotBlank(png: Uint8Array, what: string): void {
  const image = PNG.sync.read(Buffer.from(png));
  const colours = new Set<number>();
  let differing = 0;
  const first = image.data.readUInt32BE(0);
  for (let i = 0; i < image.data.length; i += 4) {
    const pixel = image.data.readUInt32BE(i);
    colours.add(pixel);
    if (pixel !== first) differing++;
  }
  const share = differing / (image.width * image.height);
  assert.ok(colours.size >= 16, `${what}: only ${colours.size} colours`);
  assert.ok(
    share >= 0.02,
    `${what}: ${(share * 100).toFixed(2)} % of the pixels differ from the first`,
  );
}
