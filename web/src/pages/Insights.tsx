// The month's insights (totals in and out, spending by category, the trend over months as a
// bar chart, fraud hints, the summary) and the month's statement as a CSV download.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, session } from '../api/client';
import { formatMoney } from '../api/money';
import { problemWords } from '../api/problems';
import { useWallets } from './wallets';

/** This month in Asia/Kuala_Lumpur, where statements and insights count months. */
const thisMonth = () => new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Kuala_Lumpur', year: 'numeric', month: '2-digit',
}).format(new Date()).slice(0, 7);

type Trend = ReadonlyArray<Readonly<{ month: string; totalOut: string }>>;

/** Spending per month as bars; heights are display ratios of bigint totals, never money. */
function TrendChart({ trend, currency }: { trend: Trend; currency: string }) {
  const most = trend.reduce((max, point) => {
    const out = BigInt(point.totalOut);
    return out > max ? out : max;
  }, 1n);
  const width = 48;
  return (
    <figure>
      <svg role="img" aria-label="Spending per month" width={trend.length * width} height={140}
        viewBox={`0 0 ${trend.length * width} 140`}>
        {trend.map((point, index) => {
          const height = Number((BigInt(point.totalOut) * 100n) / most);
          return (
            <g key={point.month}>
              <rect x={index * width + 8} y={110 - height} width={width - 16} height={height}
                fill="#0b3d91" />
              <text x={index * width + width / 2} y={128} textAnchor="middle" fontSize="11">
                {point.month.slice(5)}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        Spending per month: {trend.map((p) => `${p.month} ${formatMoney(p.totalOut, currency)}`)
          .join(', ')}
      </figcaption>
    </figure>
  );
}

async function downloadStatement(walletId: string, month: string): Promise<string | null> {
  const response = await fetch(`/v1/wallets/${encodeURIComponent(walletId)}/statements/${month}`,
    { headers: { accept: 'text/csv', authorization: `Bearer ${session.token() ?? ''}` } });
  if (!response.ok) return problemWords(await response.json().catch(() => undefined));
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = `statement-${month}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
  return null;
}

export function Insights() {
  const wallets = useWallets();
  const [month, setMonth] = useState(thisMonth());
  const [message, setMessage] = useState<string | null>(null);
  const wallet = wallets.data?.[0];
  const insights = useQuery({
    queryKey: ['insights', wallet?.walletId, month],
    enabled: wallet !== undefined,
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/wallets/{walletId}/insights', {
        params: { path: { walletId: wallet!.walletId }, query: { month } },
      });
      if (error || !data) throw new Error(problemWords(error));
      return data;
    },
  });
  if (wallets.isPending) return <p>Loading your wallets…</p>;
  if (!wallet) return <p>Open a wallet first.</p>;
  const money = (minor: string) => formatMoney(minor, wallet.currency);
  return (
    <>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>Month<input type="month" value={month} required
          onChange={(event) => event.target.value && setMonth(event.target.value)} /></label>
      </form>
      <button type="button" onClick={() =>
        void downloadStatement(wallet.walletId, month).then(setMessage)}>
        Download statement (CSV)
      </button>
      {message && <p role="alert">{message}</p>}
      {insights.isPending && <p>Loading…</p>}
      {insights.error && <p role="alert">{insights.error.message}</p>}
      {insights.data && (
        <>
          <dl className="totals">
            <dt>Money in</dt><dd data-testid="total-in">{money(insights.data.totalIn)}</dd>
            <dt>Money out</dt><dd data-testid="total-out">{money(insights.data.totalOut)}</dd>
          </dl>
          <p>{insights.data.summary}</p>
          <TrendChart trend={insights.data.trend} currency={wallet.currency} />
          <h2>By category</h2>
          <ul>
            {insights.data.byCategory.map((row) => (
              <li key={row.category}>{row.category.replace('_', ' ')}: {money(row.totalOut)}</li>
            ))}
          </ul>
          {insights.data.fraudHints.length > 0 && (
            <p role="alert">Unusual activity was noticed on this wallet: check your history.</p>
          )}
        </>
      )}
    </>
  );
}
