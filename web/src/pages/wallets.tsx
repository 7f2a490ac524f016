// The caller's wallets (GET /v1/wallets) and one wallet's live card (its stream).
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { formatMoney } from '../api/money';
import { watchWallet, type WalletView } from '../api/wallet-stream';

export function useWallets() {
  return useQuery({
    queryKey: ['wallets'],
    queryFn: async () => {
      const { data, error } = await api.GET('/v1/wallets', { params: { query: { limit: '100' } } });
      if (error || !data) throw new Error('wallets');
      return data.items;
    },
  });
}

/** The wallet's view, updated live; `initial` until the stream's first event. */
export function useLiveWallet(initial: WalletView): WalletView {
  const [view, setView] = useState(initial);
  useEffect(() => watchWallet(initial.walletId, setView), [initial.walletId]);
  return view;
}

export function WalletCard({ wallet }: { wallet: WalletView }) {
  const view = useLiveWallet(wallet);
  const money = (minor: string) => formatMoney(minor, view.currency);
  return (
    <section className="wallet" aria-label={`Wallet ${view.currency}`}>
      <h2>{view.currency} wallet{view.status !== 'active' ? ` (${view.status})` : ''}</h2>
      <dl>
        <dt>Balance</dt><dd data-testid="balance">{money(view.balance)}</dd>
        <dt>Available</dt><dd data-testid="available">{money(view.available)}</dd>
        <dt>Held</dt><dd data-testid="held">{money(view.held)}</dd>
      </dl>
      <p className="wallet-id">Wallet id: <code>{view.walletId}</code></p>
    </section>
  );
}

/** A labelled wallet picker for forms. */
export function WalletSelect({ wallets, name, label }: {
  wallets: readonly WalletView[]; name: string; label: string;
}) {
  return (
    <label>
      {label}
      <select name={name} required>
        {wallets.map((wallet) => (
          <option key={wallet.walletId} value={wallet.walletId}>
            {wallet.currency} {formatMoney(wallet.available, wallet.currency)} available
          </option>
        ))}
      </select>
    </label>
  );
}
