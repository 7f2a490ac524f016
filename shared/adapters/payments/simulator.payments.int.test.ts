// Goal: the built-in simulator keeps the PaymentsPort contract on a real (fresh) Postgres,
// signing with the webhook secret it generated and kept there.
import { Pool } from 'pg';
import { paymentsContract } from '../../testing/contracts/payments.contract';
import { createFreshDatabase } from '../../testing/fresh-database';
import { markPaid } from './simulator-sessions';
import { createSimulatorPayments } from './simulator.payments';
import { signStripePayload } from './stripe-signature';

paymentsContract('built-in simulator', async () => {
  const db = await createFreshDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const payments = await createSimulatorPayments(pool, () => 'http://127.0.0.1:3000');
  return {
    payments,
    sign: (body, timestamp) => signStripePayload(body, payments.webhookSecret, timestamp),
    markPaid: async (id) => {
      await markPaid(pool, id);
    },
    stop: async () => {
      await pool.end();
      await db.drop();
    },
  };
});

test('the webhook secret is generated once and kept', async () => {
  const db = await createFreshDatabase();
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const first = await createSimulatorPayments(pool, () => '');
  const second = await createSimulatorPayments(pool, () => '');
  expect(second.webhookSecret).toBe(first.webhookSecret);
  expect(first.webhookSecret).toMatch(/^whsec_sim_[0-9a-f]{48}$/);
  await pool.end();
  await db.drop();
});
