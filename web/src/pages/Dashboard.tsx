// Wallets with balance, available and held amounts, live (no reload) through each wallet's
// stream; opens a first wallet for a new customer.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { problemWords } from '../api/problems';
import { Plan } from './Plan';
import { useWallets, WalletCard } from './wallets';

export function Dashboard() {
  const wallets = useWallets();
  const queryClient = useQueryClient();
  const open = useMutation({
    mutationFn: async () => {
      const { error, response } = await api.POST('/v1/wallets', { body: { currency: 'MYR' } });
      if (error) throw new Error(problemWords(error));
      // Read our own write: the list answers once the read model has the new wallet.
      const position = response.headers.get('x-ledger-position') ?? '';
      await queryClient.fetchQuery({
        queryKey: ['wallets'],
        queryFn: async () => (await api.GET('/v1/wallets', {
          params: { query: { limit: '100' }, header: { 'x-min-position': position } },
        })).data?.items ?? [],
      });
    },
  });
  if (wallets.isPending) return <p>Loading your wallets…</p>;
  if (wallets.isError) return <p role="alert">Your wallets could not be loaded.</p>;
  return (
    <>
      {wallets.data.length === 0 && <p>You have no wallet yet.</p>}
      <div className="wallets">
        {wallets.data.map((wallet) => <WalletCard key={wallet.walletId} wallet={wallet} />)}
      </div>
      {wallets.data.length === 0 && (
        <button type="button" disabled={open.isPending} onClick={() => open.mutate()}>
          Open a wallet
        </button>
      )}
      {open.error && <p role="alert">{open.error.message}</p>}
      <Plan />
    </>
  );
}
