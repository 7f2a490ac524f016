// Goal: the mailer follows the configuration: SMTP with SMTP_URL (and no development
// mailbox to show), the development mailbox without it, shown only outside production.
import { DevMailboxMailer } from '../../shared/adapters/mail/dev-mailbox.mailer';
import { SmtpMailer } from '../../shared/adapters/mail/smtp.mailer';
import { mailerFor } from './mailer';

const FROM = 'Mini TNG <no-reply@localhost>';

test('SMTP_URL set: nodemailer, no development mailbox', () => {
  const chosen = mailerFor({ SMTP_URL: 'smtp://127.0.0.1:1025', MAIL_FROM: FROM,
    NODE_ENV: 'development' });
  expect(chosen.mailer).toBeInstanceOf(SmtpMailer);
  expect(chosen.devMailbox).toBeNull();
  chosen.close();
});

test('no SMTP_URL: the development mailbox, readable except in production', () => {
  const development = mailerFor({ SMTP_URL: undefined, MAIL_FROM: FROM, NODE_ENV: 'development' });
  expect(development.mailer).toBeInstanceOf(DevMailboxMailer);
  expect(development.devMailbox).toBe(development.mailer);
  const production = mailerFor({ SMTP_URL: undefined, MAIL_FROM: FROM, NODE_ENV: 'production' });
  expect(production.mailer).toBeInstanceOf(DevMailboxMailer);
  expect(production.devMailbox).toBeNull();
});
