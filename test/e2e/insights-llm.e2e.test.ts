// Issue 10, part 7: with LLM_BASE_URL at a local OpenAI-compatible server, a PREMIUM wallet's
// summary comes from it, is sent aggregates only, and is cached in Redis (a second request
// does not reach the server); a failing or a slow endpoint falls back to the template
// within about 2 s. A FREE wallet never reaches the LLM.
import { formatMonth, monthOf } from '../../shared/domain/insights/month';
import { call, type User } from '../support/api';
import { FAKE_SUMMARY, startFakeLlm, type FakeLlm } from '../support/fake-llm-server';
import { makePremium, seedMonth, type SeededMonth } from '../support/insights-seed';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { startTestApp, type TestApp } from '../support/test-app';

let app: TestApp;
let llm: FakeLlm;
const month = formatMonth(monthOf(new Date()));
/** The 2 s limit plus room for a loaded machine; the slow endpoint takes 5 s. */
const FALLBACK_MS_MAX = 4_000;

beforeAll(async () => {
  llm = await startFakeLlm();
  // Redis as the insight cache: the cached summary survives in the shared cache.
  app = await startTestApp({
    redis: true,
    env: { LLM_BASE_URL: llm.url, LLM_API_KEY: 'sk-test-key', LLM_MODEL: 'test-model' },
  });
});
afterAll(async () => {
  await app?.stop();
  await llm?.stop();
});

async function premiumMonth(): Promise<SeededMonth & { at: string }> {
  const seeded = await seedMonth(app);
  const at = await makePremium(app, seeded.alice);
  return { ...seeded, at };
}

const insightsOf = (user: User, walletId: string, position: string) =>
  call(app, 'GET', `/v1/wallets/${walletId}/insights?month=${month}`, {
    token: user.token, headers: { 'x-min-position': position },
  });

const summaries = async (writer: string) => {
  const samples = parseSamples(await (await fetch(`${app.url}/metrics`)).text());
  return sampleValue(samples, 'tng_insight_summaries_total', { writer });
};

test('the summary comes from the LLM, which sees aggregates only, and is cached', async () => {
  const seeded = await premiumMonth();
  llm.mode = 'answer';
  const before = llm.requests.length;
  const first = await insightsOf(seeded.alice, seeded.aliceWallet, seeded.at);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({
    plan: 'PREMIUM', summary: FAKE_SUMMARY, summarySource: 'llm', totalOut: '20894',
  });
  expect(first.body.trend).toHaveLength(12);
  expect(llm.requests).toHaveLength(before + 1);
  const sent = llm.requests.at(-1)!;
  expect(sent.authorization).toBe('Bearer sk-test-key');
  expect(sent.body).toMatchObject({ model: 'test-model' });
  const prompt = JSON.stringify(sent.body);
  expect(prompt).toContain('20894');
  for (const secret of [seeded.alice.email, seeded.alice.userId, seeded.aliceWallet,
    seeded.merchant.userId, 'alice', 'GrabFood']) {
    expect(prompt).not.toContain(secret);
  }
  const second = await insightsOf(seeded.alice, seeded.aliceWallet, seeded.at);
  expect(second.body).toEqual(first.body);
  expect(llm.requests).toHaveLength(before + 1);
});

test.each(['fail', 'slow'] as const)(
  'a %s endpoint falls back to the template within about 2 s', async (mode) => {
    const seeded = await premiumMonth();
    llm.mode = mode;
    const fallbacksBefore = await summaries('llm_fallback');
    // Let the projector catch up first, so the time measured is the summary's.
    await call(app, 'GET', `/v1/wallets/${seeded.aliceWallet}`, {
      token: seeded.alice.token, headers: { 'x-min-position': seeded.at },
    });
    const started = Date.now();
    const reply = await insightsOf(seeded.alice, seeded.aliceWallet, seeded.at);
    const tookMs = Date.now() - started;
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ summarySource: 'template', totalOut: '20894' });
    expect(reply.body.summary).toContain('spent MYR 208.94');
    expect(tookMs).toBeLessThan(FALLBACK_MS_MAX);
    expect(await summaries('llm_fallback')).toBe(fallbacksBefore! + 1);
  },
);

test('a FREE wallet gets the template and never reaches the LLM', async () => {
  const seeded = await seedMonth(app);
  llm.mode = 'answer';
  const before = llm.requests.length;
  const reply = await insightsOf(seeded.bob, seeded.bobWallet, seeded.position);
  expect(reply.body).toMatchObject({ plan: 'FREE', summarySource: 'template' });
  expect(llm.requests).toHaveLength(before);
});
