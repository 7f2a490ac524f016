// Browser support for the web suite: Debian's Chromium through playwright-core (no browser
// download works here), an axe-core check run inside the page, and screenshots kept under
// .artefacts/web (gitignored; CI keeps them as artefacts).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTEFACTS = path.resolve(__dirname, '../../.artefacts/web');

// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses, many at a time.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the suite cannot run here, or null when Chromium is installed. */
export const skipReason = (): string | null =>
  existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent (apt-get install -y chromium)`;

export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

type AxeViolation = { id: string; impact: string | null; help: string; nodes: unknown[] };

/**
 * The page's serious and critical accessibility violations. axe is evaluated through the
 * DevTools protocol, which the page's Content-Security-Policy does not apply to.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // Runs in the page, where axe-core was just loaded as a global.
    const page = globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } };
    const axe = page.axe;
    return (await axe.run()).violations;
  }) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const file = path.join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
