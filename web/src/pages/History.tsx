// A wallet's movements, newest first, filtered by kind.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { formatMoney } from '../api/money';
import { useWallets } from './wallets';

const KINDS = ['transfer', 'payment', 'top_up', 'hold', 'adjustment'] as const;
type Kind = (typeof KINDS)[number];
const KIND_WORDS: Readonly<Record<Kind, string>> = {
  transfer: 'Transfers', payment: 'Payments', top_up: 'Top-ups', hold: 'Hold captures',
  adjustment: 'Adjustments',
};

export function History() {
  const wallets = useWallets();
  const [walletId, setWalletId] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind | ''>('');
  const chosen = walletId ?? wallets.data?.[0]?.walletId ?? null;
  const history = useQuery({
    queryKey: ['history', chosen, kind],
    enabled: chosen !== null,
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/wallets/{walletId}/transactions', {
        params: { path: { walletId: chosen! }, query: { limit: '50', ...(kind ? { kind } : {}) } },
      });
      // JSON here (the same route answers CSV only when asked for text/csv).
      if (error || !data || typeof data === 'string') throw new Error('history');
      return data.items;
    },
  });
  if (wallets.isPending) return <p>Loading your wallets…</p>;
  if (!chosen) return <p>Open a wallet first.</p>;
  return (
    <>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Wallet
          <select value={chosen} onChange={(event) => setWalletId(event.target.value)}>
            {(wallets.data ?? []).map((w) => <option key={w.walletId} value={w.walletId}>
              {w.currency} {w.walletId}</option>)}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(event) => setKind(event.target.value as Kind | '')}>
            <option value="">All</option>
            {KINDS.map((k) => <option key={k} value={k}>{KIND_WORDS[k]}</option>)}
          </select>
        </label>
      </form>
      {history.isPending && <p>Loading…</p>}
      {history.data && history.data.length === 0 && <p>No movements.</p>}
      {history.data && history.data.length > 0 && (
        <table>
          <caption>Movements, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">What</th>
            <th scope="col">Amount</th><th scope="col">Balance after</th></tr></thead>
          <tbody>
            {history.data.map((row) => (
              <tr key={`${row.transactionId}-${row.direction}`}>
                <td>{new Date(row.createdAt).toLocaleString()}</td>
                <td>{row.kind.replace('_', '-')}{row.status === 'failed' ? ' (failed)' : ''}
                  {row.note ? `: ${row.note}` : ''}</td>
                <td>{row.direction === 'debit' ? '−' : '+'}{formatMoney(row.amount, row.currency)}</td>
                <td>{row.balanceAfter === null ? '' : formatMoney(row.balanceAfter, row.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
