// Send money to another wallet: fill in, then confirm. Each confirmation is one attempt with
// one Idempotency-Key, made when the confirmation step opens, so a double click or a retry
// of the same attempt moves the money once (docs/api.md, Idempotency).
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { currencyOf, formatMoney, parseMoney, type Currency } from '../api/money';
import { problemWords } from '../api/problems';
import { useWallets, WalletSelect } from './wallets';

type Draft = Readonly<{
  sourceWalletId: string; targetWalletId: string; amount: string; currency: Currency;
  note: string; idempotencyKey: string;
}>;

export function SendMoney() {
  const wallets = useWallets();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  // A second click that lands before the button re-renders disabled must not send again.
  const inFlight = useRef(false);
  if (wallets.isPending) return <p>Loading your wallets…</p>;
  const own = wallets.data ?? [];
  if (own.length === 0) return <p>Open a wallet first.</p>;

  const review = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const sourceWalletId = String(form.get('source'));
    const currency = currencyOf(own.find((w) => w.walletId === sourceWalletId)?.currency ?? 'MYR');
    const amount = parseMoney(String(form.get('amount')), currency);
    if (amount === null) {
      setMessage('Enter an amount such as 12.50.');
      return;
    }
    setMessage(null);
    setDraft({
      sourceWalletId, targetWalletId: String(form.get('target')).trim(), amount, currency,
      note: String(form.get('note')).trim(), idempotencyKey: crypto.randomUUID(),
    });
  };

  const confirm = async () => {
    if (!draft || inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    const { error } = await api.POST('/v1/transfers', {
      params: { header: { 'idempotency-key': draft.idempotencyKey } },
      body: {
        sourceWalletId: draft.sourceWalletId, targetWalletId: draft.targetWalletId,
        amount: draft.amount, currency: draft.currency, ...(draft.note ? { note: draft.note } : {}),
      },
    });
    inFlight.current = false;
    setSending(false);
    setDraft(null);
    setMessage(error ? problemWords(error) : `Sent ${formatMoney(draft.amount, draft.currency)}.`);
  };

  if (draft) {
    return (
      <section aria-label="Confirm the transfer">
        <p>
          Send <strong>{formatMoney(draft.amount, draft.currency)}</strong> to wallet{' '}
          <code>{draft.targetWalletId}</code>{draft.note ? ` (“${draft.note}”)` : ''}?
        </p>
        <button type="button" disabled={sending} onClick={() => void confirm()}>Confirm</button>
        <button type="button" disabled={sending} onClick={() => setDraft(null)}>Back</button>
      </section>
    );
  }
  return (
    <>
      <form onSubmit={review}>
        <WalletSelect wallets={own} name="source" label="From" />
        <label>To wallet id<input name="target" required maxLength={100} /></label>
        <label>Amount<input name="amount" inputMode="decimal" required placeholder="12.50" /></label>
        <label>Note (optional)<input name="note" maxLength={200} /></label>
        <button type="submit">Send</button>
      </form>
      {message && <p role="status">{message}</p>}
    </>
  );
}
