import {
  fraudSuspected,
  holdCaptured,
  paymentMade,
  paymentReceived,
  planChanged,
  topUpCredited,
  transferReceived,
  transferRejected,
  transferRejectedForRecipient,
  transferSent,
} from './notification-templates';

describe('notification templates', () => {
  test('transfer received: exact subject and text', () => {
    const mail = transferReceived({
      amountMinor: 12345n,
      currency: 'MYR',
      counterpartyName: 'Bob Tan',
      note: 'lunch',
    });
    expect(mail.subject).toBe('You received 123.45 MYR from Bob Tan');
    expect(mail.text).toBe('Bob Tan sent you 123.45 MYR.\n\nNote: lunch\n');
    expect(mail.html).toContain('<p>Bob Tan sent you 123.45 MYR.</p>');
  });

  test('transfer sent: exact subject and text, no note line without a note', () => {
    const mail = transferSent({ amountMinor: 5n, currency: 'MYR', counterpartyName: 'Alice' });
    expect(mail.subject).toBe('You sent 0.05 MYR to Alice');
    expect(mail.text).toBe('You sent 0.05 MYR to Alice.\n');
  });

  test('HTML escapes a hostile note and name; text keeps them as written', () => {
    const mail = transferReceived({
      amountMinor: 100n,
      currency: 'MYR',
      counterpartyName: 'Eve <img src=x onerror=alert(1)>',
      note: '<script>alert("x")</script> & more',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('Note: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(mail.html).toContain('Eve &lt;img src=x onerror=alert(1)&gt;');
    expect(mail.text).toContain('Note: <script>alert("x")</script> & more');
  });

  test('a name with line breaks cannot add a header line to the subject', () => {
    const mail = transferReceived({
      amountMinor: 100n,
      currency: 'MYR',
      counterpartyName: 'Eve\r\nBcc: all@example.com',
    });
    expect(mail.subject).toBe('You received 1.00 MYR from Eve Bcc: all@example.com');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  test('JPY has no decimals; large amounts stay exact', () => {
    expect(paymentMade({ amountMinor: 1200n, currency: 'JPY', counterpartyName: 'Kopi' }).subject)
      .toBe('You paid 1200 JPY to Kopi');
    expect(transferSent({ amountMinor: 999_999_999_999_999n, currency: 'USD', counterpartyName: 'A' })
      .subject).toBe('You sent 9999999999999.99 USD to A');
  });

  test('transfer rejected says the reason code in words', () => {
    const mail = transferRejected({
      amountMinor: 12345n,
      currency: 'MYR',
      counterpartyName: 'Bob',
      code: 'insufficient_funds',
      movementKind: 'transfer',
    });
    expect(mail.subject).toBe('Your transfer of 123.45 MYR to Bob was declined');
    expect(mail.text).toBe(
      'Your transfer of 123.45 MYR to Bob was declined: your wallet did not have enough money.'
        + '\n\nNo money left your wallet.\n',
    );
    const payment = transferRejected({
      amountMinor: 100n,
      currency: 'MYR',
      counterpartyName: 'Kopi',
      code: 'limit_exceeded',
      movementKind: 'payment',
    });
    expect(payment.text).toContain("payment of 1.00 MYR to Kopi was declined: it would exceed your plan's");
  });

  test('payment received names the payer and the reference', () => {
    const mail = paymentReceived({
      amountMinor: 2500n,
      currency: 'SGD',
      counterpartyName: 'Alice',
      reference: 'order #42',
    });
    expect(mail.subject).toBe('Payment of 25.00 SGD received from Alice');
    expect(mail.text).toBe('Alice paid you 25.00 SGD.\n\nReference: order #42\n');
  });

  test('top-up receipt', () => {
    const mail = topUpCredited({
      amountMinor: 5000n,
      currency: 'MYR',
      topUpId: 'tu_123',
      creditedAt: '2026-12-03T10:00:00.000Z',
    });
    expect(mail.subject).toBe('Receipt: top-up of 50.00 MYR');
    expect(mail.text).toBe(
      'Your wallet was topped up with 50.00 MYR by card.\n\nTop-up: tu_123\n\n'
        + 'Credited at: 2026-12-03T10:00:00.000Z\n',
    );
  });

  test('hold captured mentions the released rest only when there is one', () => {
    const partial = holdCaptured({
      currency: 'MYR',
      capturedAmountMinor: 3000n,
      releasedAmountMinor: 2000n,
      counterpartyName: 'Hotel',
    });
    expect(partial.subject).toBe('30.00 MYR paid to Hotel from a held amount');
    expect(partial.text).toContain('The rest, 20.00 MYR, is available again.');
    const full = holdCaptured({
      currency: 'MYR',
      capturedAmountMinor: 3000n,
      releasedAmountMinor: 0n,
      counterpartyName: 'Hotel',
    });
    expect(full.text).not.toContain('The rest');
  });

  test('plan changed, both ways', () => {
    expect(planChanged({ plan: 'PREMIUM' }).subject).toBe('Welcome to Premium');
    expect(planChanged({ plan: 'FREE' }).text).toContain('Your plan is now FREE.');
  });

  test('every template writes a whole HTML document with the subject as title', () => {
    const mail = planChanged({ plan: 'PREMIUM' });
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain('<title>Welcome to Premium</title>');
  });

  test('the intended recipient of a refused payment learns the amount, not the reason', () => {
    const mail = transferRejectedForRecipient({
      amountMinor: 1_050n,
      currency: 'MYR',
      counterpartyName: 'Alice',
      movementKind: 'payment',
    });
    expect(mail.subject).toBe('A payment of 10.50 MYR from Alice did not go through');
    expect(mail.text).toBe('Alice tried to send you 10.50 MYR, but the payment did not go '
      + 'through.\n\nNo money moved; nothing in your wallet changed.\n');
  });

  test('fraud hint: rules in words, unknown rules by name, summary escaped in HTML', () => {
    const mail = fraudSuspected({
      rules: ['amount_outlier', 'new_rule'],
      summary: 'RM 9,000 <b>at once</b>',
      detectedAt: '2026-12-03T01:00:00.000Z',
    });
    expect(mail.subject).toBe('Unusual activity on your wallet');
    expect(mail.text).toContain('- an amount far above your usual\n\n- new_rule\n');
    expect(mail.html).toContain('What we saw: RM 9,000 &lt;b&gt;at once&lt;/b&gt;');
  });
});
