import { markdownTable, tableRows, type HttpThroughput, type TableFigures } from './bench-table';

const rate = (perSecond: number, p99Ms: number): HttpThroughput =>
  ({ perSecond, p50Ms: p99Ms / 2, p99Ms, rounds: [], statuses: { 201: perSecond } });

const figures = (overrides: Partial<TableFigures> = {}): TableFigures => ({
  bareSql: { perSecond: 1000, p50Ms: 5, p99Ms: 20, rounds: [] },
  jwtReference: { ...rate(4000, 30), statuses: { 200: 4000 } },
  uniform: rate(500, 50),
  hotSpot: rate(300, 150),
  eventStorePath: { perSecond: 800, p50Ms: 10, p99Ms: 40, rounds: [] },
  auditReplaySeconds: 0.49,
  auditReplayEvents: 100_000,
  serverPeakRssMb: 299,
  ledger: {
    answered201: 800, transferDebits: 800, transferCredits: 800, debitedMinor: '4400',
    creditedMinor: '4400', seededMinor: '1000', eventLogBalanceMinor: '1000',
    readModelBalanceMinor: '1000', ok: true,
  },
  settings: { uniformWallets: 1000, owners: 50, hotWallets: 40, clients: 64, bareStreams: 10_000,
    bareConnections: 16 },
  ...overrides,
});

const metColumn = (f: TableFigures) => tableRows(f).map((row) => row.met);

describe('the bench table', () => {
  it('meets every target exactly at its bound', () => {
    expect(metColumn(figures())).toEqual(
      ['reference', 'reference', 'yes', 'yes', 'yes', 'yes', 'yes', 'reference']);
    expect(tableRows(figures())[2]!.figure).toBe('500/s = 0.50 x bare, p99 50.0 ms');
  });

  it('misses a target just past its bound', () => {
    expect(metColumn(figures({
      uniform: rate(499, 50),
      hotSpot: rate(300, 150.1),
      auditReplaySeconds: 0.5,
      serverPeakRssMb: 300,
    })).slice(2, 6)).toEqual(['no', 'no', 'no', 'no']);
  });

  it('counts a request not answered 201, or a ledger that does not add up, as lost', () => {
    const withFailure = { ...rate(500, 50), statuses: { 201: 500, 409: 1 } };
    expect(metColumn(figures({ hotSpot: withFailure }))[6]).toBe('no');
    const ledger = { ...figures().ledger, transferCredits: 799, ok: false };
    expect(metColumn(figures({ ledger }))[6]).toBe('no');
  });

  it('prints one Markdown row a measure under the header', () => {
    const lines = markdownTable(tableRows(figures())).split('\n');
    expect(lines[0]).toBe('| Measure | Figure | Must reach | Met? |');
    expect(lines).toHaveLength(2 + tableRows(figures()).length);
  });
});
