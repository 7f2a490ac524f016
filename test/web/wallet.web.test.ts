// Goal: the web wallet works for people in a real browser (issue 13), against a fresh app:
// a customer registers, tops up RM 50 through the simulator's checkout page, and sends
// RM 12.50 to a second customer signed in in another browser; both screens show the new
// balances without a reload; a double-clicked Confirm moves the money once; refusals show
// their words (insufficient funds, the FREE plan's limit); the insights page shows the API's
// totals and its chart; an auditor's replay of a balance matches the API; every page passes
// axe-core with no serious or critical violation and raises no Content-Security-Policy
// error; the dashboard is photographed at phone and desktop sizes.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { call, logIn, PASSWORD, signUp, withRole } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { formatMoney } from '../../web/src/api/money';
import { launch, screenshot, seriousViolations, skipReason } from './browser';

const WAIT_MS = 30_000;
const skip = skipReason();
if (skip) process.stderr.write(`[web] skipped: ${skip}\n`);
const maybe = skip ? describe.skip : describe;

let app: TestApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const cspErrors: string[] = [];
const axeFindings: string[] = [];

beforeAll(async () => {
  if (skip) return;
  app = await startTestApp();
  browser = await launch();
}, 120_000);
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  // UTC, so that an instant typed into a form means the same here and in the browser.
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, timezoneId: 'UTC',
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspErrors.push(message.text());
  });
  return page;
}

async function checkAccessibility(page: Page, where: string): Promise<void> {
  for (const finding of await seriousViolations(page)) axeFindings.push(`${where}: ${finding}`);
}

/** Registers through the form and lands on the dashboard; returns the e-mail. */
async function register(page: Page, name: string): Promise<string> {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
  await checkAccessibility(page, 'log-in form');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await checkAccessibility(page, 'register form');
  await page.getByRole('button', { name: 'Register', exact: true }).click();
  await page.getByRole('heading', { name: 'Wallets' }).waitFor();
  return email;
}

/** Opens the first wallet from the dashboard; returns its id. */
async function openWallet(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Open a wallet' }).click();
  const id = page.locator('.wallet-id code').first();
  await id.waitFor();
  await showsBalance(page, 'RM 0.00');
  return (await id.textContent()) ?? '';
}

const showsBalance = (page: Page, text: string) =>
  page.getByTestId('balance').filter({ hasText: text }).first().waitFor({ timeout: WAIT_MS });

const go = async (page: Page, link: string) => {
  await page.getByRole('navigation').getByRole('link', { name: link }).click();
  await page.getByRole('heading', { name: link }).waitFor();
};

async function topUpFifty(page: Page): Promise<void> {
  await go(page, 'Top up');
  await page.getByLabel('Amount').fill('50');
  await page.getByRole('button', { name: 'Top up' }).click();
  const pay = page.getByRole('link', { name: 'Pay by card' });
  await pay.waitFor();
  await checkAccessibility(page, 'top-up page');
  const [checkout] = await Promise.all([page.waitForEvent('popup'), pay.click()]);
  await checkout.getByRole('button', { name: 'Pay' }).click();
  await checkout.getByText('Paid: webhook delivered.').waitFor({ timeout: WAIT_MS });
  await checkout.close();
  // The webhook credits the wallet; the stream brings the balance, no reload.
  await showsBalance(page, 'RM 50.00');
}

async function send(page: Page, targetWalletId: string, amount: string, clicks: 1 | 2) {
  await go(page, 'Send money');
  await page.getByLabel('To wallet id').fill(targetWalletId);
  await page.getByLabel('Amount').fill(amount);
  await checkAccessibility(page, 'send form');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const confirm = page.getByRole('button', { name: 'Confirm' });
  await confirm.waitFor();
  await checkAccessibility(page, 'confirmation step');
  if (clicks === 2) await confirm.dblclick();
  else await confirm.click();
  return page.getByRole('status');
}

/** An auditor finds Alice's wallet by e-mail and replays its balance; it matches the API. */
async function auditorReplays(ownerEmail: string, walletId: string): Promise<void> {
  const auditor = await withRole(app, await signUp(app, 'auditor'), 'auditor');
  const page = await newPage();
  await page.goto(app.url);
  await page.getByLabel('E-mail').fill(auditor.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await go(page, 'Audit');
  await page.getByLabel('Owner e-mail').fill(ownerEmail);
  await page.getByRole('button', { name: 'Find wallets' }).click();
  const at = new Date(Date.now() + 60_000).toISOString().slice(0, 19); // UTC, seconds
  await page.getByLabel('At').fill(at);
  await checkAccessibility(page, 'audit page');
  await page.getByRole('button', { name: 'Replay' }).click();
  const replayed = await call(app, 'GET',
    `/v1/audit/wallets/${walletId}/balance-at?at=${at}Z`, { token: auditor.token });
  expect(replayed.status).toBe(200);
  await page.getByTestId('replayed')
    .filter({ hasText: `: ${formatMoney(replayed.body.balance, 'MYR')} (held` }).waitFor();
}

maybe('the web wallet in Chromium', () => {
  test('register, top up RM 50, send RM 12.50 once on a double click; both screens update '
    + 'live; refusals in words; insights; an auditor\'s replay; screenshots', async () => {
    const alicePage = await newPage();
    const bobPage = await newPage();
    const aliceEmail = await register(alicePage, 'alice');
    const aliceWallet = await openWallet(alicePage);
    await checkAccessibility(alicePage, 'dashboard');
    await register(bobPage, 'bob');
    const bobWallet = await openWallet(bobPage);

    await topUpFifty(alicePage);
    const sent = await send(alicePage, bobWallet, '12.50', 2);
    await sent.filter({ hasText: 'Sent RM 12.50.' }).waitFor();
    await go(alicePage, 'Wallets');
    await showsBalance(alicePage, 'RM 37.50');
    await showsBalance(bobPage, 'RM 12.50'); // Bob's page was never reloaded.

    // Exactly one transfer left Alice's wallet, whatever the double click did.
    const alice = await logIn(app, aliceEmail, '');
    const wallet = await call(app, 'GET', `/v1/wallets/${aliceWallet}`, { token: alice.token });
    expect(wallet.body.balance).toBe('3750');
    const history = await call(app, 'GET', `/v1/wallets/${aliceWallet}/transactions?kind=transfer`,
      { token: alice.token });
    expect(history.body.items.map((row: { amount: string }) => row.amount)).toEqual(['1250']);

    const refused = await send(alicePage, bobWallet, '100', 1);
    await refused.filter({ hasText: 'Not enough money in this wallet for that amount.' })
      .waitFor();
    // Over the FREE plan's per-transfer limit (RM 1,000; checked before the funds).
    const limited = await send(alicePage, bobWallet, '1000.01', 1);
    await limited.filter({ hasText: 'Your plan\'s limit is reached (the most you can send at once)' })
      .waitFor();

    await go(alicePage, 'History');
    await alicePage.getByRole('table').waitFor();
    await checkAccessibility(alicePage, 'history');

    // The month's insights as the API answers them, and the trend chart.
    await go(alicePage, 'Insights');
    const month = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Kuala_Lumpur', year: 'numeric', month: '2-digit',
    }).format(new Date()).slice(0, 7);
    const insights = await call(app, 'GET', `/v1/wallets/${aliceWallet}/insights?month=${month}`,
      { token: alice.token });
    expect(insights.status).toBe(200);
    await alicePage.getByTestId('total-out')
      .filter({ hasText: formatMoney(insights.body.totalOut, 'MYR') }).waitFor();
    await alicePage.getByTestId('total-in')
      .filter({ hasText: formatMoney(insights.body.totalIn, 'MYR') }).waitFor();
    // The last bar is this month's spending: drawn, with a height.
    await alicePage.getByRole('img', { name: 'Spending per month' }).locator('rect').last()
      .waitFor();
    await checkAccessibility(alicePage, 'insights');

    await go(alicePage, 'Wallets');
    await showsBalance(alicePage, 'RM 37.50');
    await alicePage.getByRole('button', { name: 'Upgrade' }).waitFor();
    await screenshot(alicePage, 'dashboard-390x844');
    await alicePage.setViewportSize({ width: 1280, height: 800 });
    await screenshot(alicePage, 'dashboard-1280x800');
    await checkAccessibility(alicePage, 'dashboard, desktop');

    await auditorReplays(aliceEmail, aliceWallet);

    expect(axeFindings).toEqual([]);
    expect(cspErrors).toEqual([]);
  });
});
