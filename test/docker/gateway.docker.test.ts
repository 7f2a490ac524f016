// Goal (docs/operations.md, "Run it for real"): the containers that docker-compose.yml starts
// work together through the gateway. `npm run verify:docker` (scripts/docker/verify.sh) starts
// them and runs this file with their addresses; anywhere else it skips and says why.
// 1. A transfer through the gateway, its balance read back (a GET only query-api serves).
// 2. The web wallet (GET /, query-api) and its assets come through the gateway.
// 3. Prometheus scrapes every service.
// 4. Two command-api replicas behind the gateway take a bank of concurrent transfers between
//    them: money is conserved, no wallet goes below zero, and contention between the replicas
//    (a version conflict on Postgres) is retried, never answered as an error.
import { randomUUID } from 'node:crypto';
import {
  fund, logIn, openWallet, signUp, transfer, type HttpTarget, type User,
} from '../support/api';
import {
  countBy, groupByStatus, seededRandom, sendTransfers, type BankAttempt, type BankWallet,
} from '../support/bank-checks';
import { maxPositionToken, runTng, sumMinor } from '../support/ledger-checks';
import { parseSamples } from '../support/prometheus-text';

const env = {
  gateway: process.env.TNG_DOCKER_GATEWAY_URL,
  commandApis: process.env.TNG_DOCKER_COMMAND_API_URLS?.split(',') ?? [],
  prometheus: process.env.TNG_DOCKER_PROMETHEUS_URL,
  databaseUrl: process.env.TNG_DOCKER_DATABASE_URL,
  scrapeTargets: Number(process.env.TNG_DOCKER_SCRAPE_TARGETS ?? 0),
};
const running = Boolean(env.gateway && env.prometheus && env.databaseUrl);
if (!running) {
  process.stderr.write('[docker] skipped: no compose stack (run `npm run verify:docker`)\n');
}
const describeStack = running ? describe : describe.skip;

const TRANSFERS = 300;
const CONCURRENCY = 32;
const WALLETS = 8;
const FUNDING_MINOR = 1_000n;
const SEED = Number(process.env.BANK_SEED ?? 20_261_203);

jest.setTimeout(120_000);

describeStack('the compose stack behind its gateway', () => {
  const gateway: HttpTarget = { url: env.gateway ?? '' };
  let admin: User;

  beforeAll(async () => {
    const user = await signUp(gateway, 'admin');
    const granted = await runTng(env.databaseUrl!, 'users', 'grant-role', user.email, 'admin');
    if (granted.code !== 0) throw new Error(`grant-role: ${granted.stderr}`);
    admin = await logIn(gateway, user.email, user.userId);
  });

  /** GET through the gateway (query-api), waiting for the projection to reach `position`. */
  async function walletView(owner: User, walletId: string, position: string) {
    const response = await fetch(`${gateway.url}/v1/wallets/${walletId}`, {
      headers: { authorization: `Bearer ${owner.token}`, 'x-min-position': position },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { balance: string; available: string; held: string };
  }

  test('a transfer through the gateway is read back from query-api', async () => {
    const amira = await signUp(gateway, 'amira');
    const bo = await signUp(gateway, 'bo');
    const source = await openWallet(gateway, amira);
    const target = await openWallet(gateway, bo);
    expect((await fund(gateway, admin, source, '10000')).status).toBe(201);

    const key = `lunch-${randomUUID()}`;
    const body = { sourceWalletId: source, targetWalletId: target, amount: '1050' };
    const first = await transfer(gateway, amira, body, key);
    const again = await transfer(gateway, amira, body, key);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);

    const position = first.headers.get('x-ledger-position')!;
    expect((await walletView(amira, source, position)).balance).toBe('8950');
    expect((await walletView(bo, target, position)).balance).toBe('1050');
  });

  test('the web wallet is served through the gateway, with its strict policy', async () => {
    const page = await fetch(`${gateway.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    expect((await fetch(`${gateway.url}${asset}`)).status).toBe(200);
  });

  test('Prometheus scrapes every service', async () => {
    type Target = { labels: { job: string; instance: string }; health: string };
    let targets: Target[] = [];
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const reply = await fetch(`${env.prometheus}/api/v1/targets`);
      targets = ((await reply.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
      if (targets.length >= env.scrapeTargets && targets.every((t) => t.health === 'up')) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    process.stdout.write(`[docker] scrape targets: ${targets
      .map((t) => `${t.labels.job} ${t.labels.instance} ${t.health}`).join('; ')}\n`);
    expect(targets).toHaveLength(env.scrapeTargets);
    expect(targets.filter((t) => t.health !== 'up')).toEqual([]);
  });

  test('two command-api replicas share a bank of concurrent transfers safely', async () => {
    const before = await Promise.all(env.commandApis.map(transfersServed));
    const owners = await Promise.all(
      Array.from({ length: WALLETS / 2 }, (_, index) => signUp(gateway, `owner${index}`)),
    );
    const wallets: BankWallet[] = [];
    for (const owner of owners) {
      for (let slot = 0; slot < 2; slot += 1) {
        const walletId = await openWallet(gateway, owner);
        expect((await fund(gateway, admin, walletId, FUNDING_MINOR.toString())).status).toBe(201);
        wallets.push({ walletId, owner });
      }
    }
    const random = seededRandom(SEED);
    const attempts: BankAttempt[] = Array.from({ length: TRANSFERS }, () => {
      const source = wallets[random(wallets.length)]!;
      let target = wallets[random(wallets.length - 1)]!;
      if (target === source) target = wallets[wallets.length - 1]!;
      const amount = 1n + BigInt(random(Number(FUNDING_MINOR) * 3 / 4));
      return { source, target, amount, key: `docker-bank-${randomUUID()}` };
    });

    const elapsedMs = await sendTransfers(attempts, () => gateway, CONCURRENCY);
    const after = await Promise.all(env.commandApis.map(transfersServed));
    const served = after.map((count, index) => count - before[index]!);
    const conflicts = await Promise.all(env.commandApis.map(versionConflicts));
    const statuses = groupByStatus(attempts);
    const refused = statuses.get(422) ?? [];
    process.stdout.write(
      `[docker bank] ${TRANSFERS} transfers through the gateway in ${elapsedMs} ms: ` +
        `${statuses.get(201)?.length ?? 0} accepted, ${refused.length} refused; served per ` +
        `replica ${JSON.stringify(served)}; version conflicts retried per replica ` +
        `${JSON.stringify(conflicts)} (seed ${SEED})\n`,
    );

    expect(attempts.flatMap((attempt) => attempt.failure ?? [])).toEqual([]);
    expect([...statuses.keys()].filter((status) => ![201, 422].includes(status))).toEqual([]);
    expect(countBy(refused.map((attempt) => String(attempt.reply!.body.code))))
      .toEqual(refused.length ? { insufficient_funds: refused.length } : {});
    // Both replicas took a share (nginx alternates): this is a two-writer run.
    expect(served.filter((count) => count === 0)).toEqual([]);
    expect(served.reduce((sum, count) => sum + count, 0)).toBe(TRANSFERS);

    const position = maxPositionToken(attempts.map((a) => a.reply!.headers.get('x-ledger-position')));
    const balances = await Promise.all(wallets.map(async (wallet) =>
      BigInt((await walletView(wallet.owner, wallet.walletId, position)).balance)));
    expect(balances.filter((balance) => balance < 0n)).toEqual([]);
    expect(sumMinor(balances)).toBe(FUNDING_MINOR * BigInt(wallets.length));
  });
});

/** POST /v1/transfers requests this replica answered, from its own /metrics. */
async function transfersServed(baseUrl: string): Promise<number> {
  const samples = parseSamples(await (await fetch(`${baseUrl}/metrics`)).text());
  return samples
    .filter((s) => s.name === 'http_request_duration_seconds_count'
      && s.labels.route === '/v1/transfers' && s.labels.method === 'POST')
    .reduce((sum, s) => sum + s.value, 0);
}

async function versionConflicts(baseUrl: string): Promise<number> {
  const samples = parseSamples(await (await fetch(`${baseUrl}/metrics`)).text());
  return samples
    .filter((s) => s.name === 'tng_version_conflicts_total')
    .reduce((sum, s) => sum + s.value, 0);
}
