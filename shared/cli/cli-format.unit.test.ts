// Goal: human CLI output renders amounts with integer arithmetic only, and aligns tables.
import { formatAmount } from './format-amount';
import { textTable } from './text-table';

test('amounts are shown in the currency\'s minor-unit scale, signs included', () => {
  expect(formatAmount(1050n, 'MYR')).toBe('10.50 MYR');
  expect(formatAmount(5n, 'MYR')).toBe('0.05 MYR');
  expect(formatAmount(-10_000n, 'SGD')).toBe('-100.00 SGD');
  expect(formatAmount(0n, 'USD')).toBe('0.00 USD');
  expect(formatAmount(1234n, 'JPY')).toBe('1234 JPY');
  expect(formatAmount(10n ** 20n + 1n, 'MYR')).toBe('1000000000000000000.01 MYR');
});

test('table columns are padded to the widest cell, right-aligned where asked', () => {
  const table = textTable(
    [{ header: 'name' }, { header: 'lag', align: 'right' }],
    [['wallets', '0'], ['users', '1234']],
  );
  expect(table.split('\n')).toEqual([
    'name      lag',
    'wallets     0',
    'users    1234',
  ]);
});
