// Goal: a recorded failure reason never keeps the recipient's address (the log is permanent).
import { withoutAddresses } from './deliver-mail';

test('addresses in a server reply are replaced, the rest is kept', () => {
  expect(withoutAddresses('SMTP 550: Recipient <bob.lee+x@example.com>: no such user'))
    .toBe('SMTP 550: Recipient <[address]>: no such user');
  expect(withoutAddresses('SMTP 451: try later')).toBe('SMTP 451: try later');
});
