// The caller's plan, and the upgrade to PREMIUM: a subscription checkout paid in a new tab
// (the built-in simulator's page in the embedded default); the plan changes when its webhook
// lands, and this section shows it after the next look.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { problemWords } from '../api/problems';

/** The signed-in user (GET /v1/me): name, roles and plan. */
export const useMe = (enabled = true) => useQuery({
  queryKey: ['me'],
  enabled,
  queryFn: async () => (await api.GET('/v1/me')).data ?? null,
});

export function Plan() {
  const me = useMe();
  const [checkoutUrl, setCheckoutUrl] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  if (!me.data) return null;
  const upgrade = async () => {
    const { data, error } = await api.POST('/v1/plan/premium');
    setMessage(error ? problemWords(error) : null);
    setCheckoutUrl(data?.checkoutUrl ?? null);
  };
  return (
    <section aria-label="Plan">
      <p>Signed in as {me.data.name}. Plan: <strong>{me.data.plan}</strong></p>
      {me.data.plan === 'FREE' && (
        <button type="button" onClick={() => void upgrade()}>Upgrade</button>
      )}
      {checkoutUrl && (
        <p>
          <a href={checkoutUrl} target="_blank" rel="noopener noreferrer">Pay for Premium</a>{' '}
          (opens the card payment page)
        </p>
      )}
      {message && <p role="alert">{message}</p>}
    </section>
  );
}
