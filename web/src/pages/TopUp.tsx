// Top up by card: the server creates a checkout (the built-in Stripe simulator's page in the
// embedded default, Stripe Checkout when configured), paid in a new tab; the wallet is
// credited when the webhook lands, and the live card below shows it.
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { currencyOf, parseMoney } from '../api/money';
import { problemWords } from '../api/problems';
import { useWallets, WalletCard, WalletSelect } from './wallets';

export function TopUp() {
  const wallets = useWallets();
  const [checkoutUrl, setCheckoutUrl] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (wallets.isPending) return <p>Loading your wallets…</p>;
  const own = wallets.data ?? [];
  if (own.length === 0) return <p>Open a wallet first.</p>;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const walletId = String(form.get('wallet'));
    const currency = currencyOf(own.find((w) => w.walletId === walletId)?.currency ?? 'MYR');
    const amount = parseMoney(String(form.get('amount')), currency);
    if (amount === null) {
      setMessage('Enter an amount such as 50.00.');
      return;
    }
    setBusy(true);
    const { data, error } = await api.POST('/v1/wallets/{walletId}/top-ups', {
      params: { path: { walletId }, header: { 'idempotency-key': crypto.randomUUID() } },
      body: { amount, currency },
    });
    setBusy(false);
    setMessage(error ? problemWords(error) : null);
    setCheckoutUrl(data?.checkoutUrl ?? null);
  };
  return (
    <>
      <form onSubmit={(event) => void submit(event)}>
        <WalletSelect wallets={own} name="wallet" label="Wallet" />
        <label>Amount<input name="amount" inputMode="decimal" required placeholder="50.00" /></label>
        <button type="submit" disabled={busy}>Top up</button>
      </form>
      {message && <p role="alert">{message}</p>}
      {checkoutUrl && (
        <p>
          <a href={checkoutUrl} target="_blank" rel="noopener noreferrer">Pay by card</a>{' '}
          (opens the card payment page; your balance updates here once it is paid)
        </p>
      )}
      <div className="wallets">
        {own.map((wallet) => <WalletCard key={wallet.walletId} wallet={wallet} />)}
      </div>
    </>
  );
}
