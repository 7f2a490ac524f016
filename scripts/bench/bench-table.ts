// The table `npm run bench` prints (docs/performance.md, "The bench table"): each measure's
// figure beside the target it must reach, and whether it does. The targets are the speed
// issue's; the two references (bare SQL, the JWT route) are what the others are held to.
import type { LedgerCheck } from './ledger-check';

/** One timed run of one measure. */
export type Round = Readonly<{ count: number; seconds: number; p50Ms: number; p99Ms: number }>;

/** A measure over all its rounds: `count` summed over `seconds` summed; p99 over all requests. */
export type Throughput = Readonly<{
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  rounds: readonly Round[];
}>;

export type HttpThroughput = Throughput & Readonly<{ statuses: Record<string, number> }>;

export type TableFigures = Readonly<{
  bareSql: Throughput;
  jwtReference: HttpThroughput;
  uniform: HttpThroughput;
  hotSpot: HttpThroughput;
  eventStorePath: Throughput;
  auditReplaySeconds: number;
  auditReplayEvents: number;
  serverPeakRssMb: number;
  ledger: LedgerCheck;
  settings: Readonly<{ uniformWallets: number; owners: number; hotWallets: number;
    clients: number; bareStreams: number; bareConnections: number }>;
}>;

export type TableRow = Readonly<{
  measure: string;
  figure: string;
  mustReach: string;
  met: 'yes' | 'no' | 'reference';
}>;

export const TARGETS = {
  uniformRatioMin: 0.5,
  uniformP99MsMax: 50,
  hotSpotRatioMin: 0.3,
  hotSpotP99MsMax: 150,
  replaySecondsMax: 0.5,
  rssMbMax: 300,
} as const;

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => `${value.toFixed(1)} ms`;
const met = (ok: boolean) => (ok ? 'yes' : 'no');

export const ratioToBare = (run: Throughput, bare: Throughput) =>
  bare.perSecond > 0 ? Number((run.perSecond / bare.perSecond).toFixed(2)) : 0;

/** Requests that were not answered 201 (any status, or a failed connection). */
export const not201 = (statuses: Record<string, number>) =>
  Object.entries(statuses).reduce((sum, [status, count]) => sum + (status === '201' ? 0 : count), 0);

export function tableRows(f: TableFigures): TableRow[] {
  const s = f.settings;
  const transferRow = (label: string, run: HttpThroughput, ratioMin: number, p99Max: number) => {
    // Judged on the exact ratio: the rounded one shown could round up to the target.
    const exact = f.bareSql.perSecond > 0 ? run.perSecond / f.bareSql.perSecond : 0;
    return {
      measure: label,
      figure: `${n(run.perSecond)}/s = ${ratioToBare(run, f.bareSql).toFixed(2)} x bare, `
        + `p99 ${ms(run.p99Ms)}`,
      mustReach: `>= ${ratioMin}x bare, p99 <= ${p99Max} ms`,
      met: met(exact >= ratioMin && run.p99Ms <= p99Max),
    } as const;
  };
  const statusText = (run: HttpThroughput) =>
    Object.entries(run.statuses).map(([status, count]) => `${n(count)} x ${status}`).join(', ');
  const l = f.ledger;
  return [
    {
      measure: `Bare SQL: one statement appending a two-event transfer (INSERT ... SELECT `
        + `max(version)+1 over ${n(s.bareStreams)} streams, ${s.bareConnections} pg `
        + `connections, no HTTP)`,
      figure: `${n(f.bareSql.perSecond)}/s, p99 ${ms(f.bareSql.p99Ms)}`,
      mustReach: 'the baseline',
      met: 'reference',
    },
    {
      measure: 'Fastify route verifying an HS256 JWT and a JSON body, no database',
      figure: `${n(f.jwtReference.perSecond)}/s = ${ratioToBare(f.jwtReference, f.bareSql)
        .toFixed(2)} x bare, p99 ${ms(f.jwtReference.p99Ms)}`,
      mustReach: 'the ceiling of any authenticated route',
      met: 'reference',
    },
    transferRow(`POST /v1/transfers, ${n(s.uniformWallets)} wallets (${s.owners} owners x `
      + `${Math.round(s.uniformWallets / s.owners)}), random pairs, ${s.clients} HTTP connections`,
    f.uniform, TARGETS.uniformRatioMin, TARGETS.uniformP99MsMax),
    transferRow(`Same, hot spot: ${s.hotWallets} wallets`, f.hotSpot,
      TARGETS.hotSpotRatioMin, TARGETS.hotSpotP99MsMax),
    {
      measure: `Audit replay of one wallet with ${n(f.auditReplayEvents)} events`,
      figure: `${f.auditReplaySeconds.toFixed(3)} s`,
      mustReach: `< ${TARGETS.replaySecondsMax} s`,
      met: met(f.auditReplaySeconds < TARGETS.replaySecondsMax),
    },
    {
      measure: 'Server RSS under the load (peak)',
      figure: `${n(f.serverPeakRssMb)} MB`,
      mustReach: `< ${TARGETS.rssMbMax} MB`,
      met: met(f.serverPeakRssMb < TARGETS.rssMbMax),
    },
    {
      measure: 'Every request answered 201, nothing lost (statuses counted; transfer events '
        + 'and balances in the log and the read model)',
      figure: `uniform ${statusText(f.uniform)}; hot ${statusText(f.hotSpot)}; `
        + `${n(l.transferDebits)} debits, ${n(l.transferCredits)} credits for ${n(l.answered201)} `
        + `201s; balances ${l.eventLogBalanceMinor === l.seededMinor ? '' : 'NOT '}conserved `
        + `in the log, read model ${l.readModelBalanceMinor === l.seededMinor ? 'agrees'
          : `says ${l.readModelBalanceMinor ?? 'nothing (behind)'}`}`,
      mustReach: 'all 201; one debit and one credit per 201; sum of balances = seeded',
      met: met(not201(f.uniform.statuses) === 0 && not201(f.hotSpot.statuses) === 0 && l.ok),
    },
    {
      measure: `(extra) The same transfer through the event store, no HTTP `
        + `(${s.clients} in-process clients, ${n(s.uniformWallets)} wallets of their own)`,
      figure: `${n(f.eventStorePath.perSecond)}/s = ${ratioToBare(f.eventStorePath, f.bareSql)
        .toFixed(2)} x bare, p99 ${ms(f.eventStorePath.p99Ms)}`,
      mustReach: '(where the gap between bare SQL and HTTP is)',
      met: 'reference',
    },
  ];
}

export function markdownTable(rows: readonly TableRow[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(['Measure', 'Figure', 'Must reach', 'Met?']),
    line(['---', '---', '---', '---']),
    ...rows.map((row) => line([row.measure, row.figure, row.mustReach, row.met])),
  ].join('\n');
}
