// For auditors and admins: find a user's wallets by e-mail and replay a wallet's balance at
// an instant from the event log (GET /v1/audit/wallets, GET .../balance-at).
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { formatMoney } from '../api/money';
import { problemWords } from '../api/problems';

type Found = Readonly<{ walletId: string; currency: string; balance: string }>;
type Replayed = Readonly<{ walletId: string; at: string; balance: string; held: string }>;

export function Audit() {
  const [wallets, setWallets] = useState<readonly Found[] | null>(null);
  const [replayed, setReplayed] = useState<Replayed | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const find = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const ownerEmail = String(new FormData(event.currentTarget).get('email')).trim();
    const { data, error } = await api.GET('/v1/audit/wallets', {
      params: { query: { ownerEmail } },
    });
    setMessage(error ? problemWords(error) : null);
    setWallets(data?.items ?? null);
  };
  const replay = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const walletId = String(form.get('wallet'));
    // datetime-local has no offset: the browser's own zone, sent as UTC (RFC 3339, Z).
    const at = new Date(String(form.get('at'))).toISOString();
    const { data, error } = await api.GET('/v1/audit/wallets/{walletId}/balance-at', {
      params: { path: { walletId }, query: { at } },
    });
    setMessage(error ? problemWords(error) : null);
    setReplayed(data ? { walletId, at, balance: data.balance, held: data.held } : null);
  };
  const currencyOf = (walletId: string) =>
    wallets?.find((w) => w.walletId === walletId)?.currency ?? 'MYR';
  return (
    <>
      <form onSubmit={(event) => void find(event)}>
        <label>Owner e-mail<input name="email" type="email" required /></label>
        <button type="submit">Find wallets</button>
      </form>
      {wallets && wallets.length === 0 && <p>This user has no wallet.</p>}
      {wallets && wallets.length > 0 && (
        <form onSubmit={(event) => void replay(event)}>
          <label>
            Wallet
            <select name="wallet">
              {wallets.map((w) => <option key={w.walletId} value={w.walletId}>
                {w.walletId} ({formatMoney(w.balance, w.currency)} now)</option>)}
            </select>
          </label>
          <label>At<input name="at" type="datetime-local" step="1" required /></label>
          <button type="submit">Replay</button>
        </form>
      )}
      {replayed && (
        <p role="status" data-testid="replayed">
          Balance at {new Date(replayed.at).toLocaleString()}:{' '}
          {formatMoney(replayed.balance, currencyOf(replayed.walletId))} (held{' '}
          {formatMoney(replayed.held, currencyOf(replayed.walletId))})
        </p>
      )}
      {message && <p role="alert">{message}</p>}
    </>
  );
}
