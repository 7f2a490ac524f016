// The operator commands of `tng` (docs/operations.md, "The CLI"): projections, audit and users.
// Each action parses and checks its arguments, runs one command module and leaves presentation and
// exit codes to runCliCommand: 0 success, 1 a check failed, 2 bad usage. Commander's own usage
// errors (a missing argument, an unknown option) are mapped to 2 by bin/tng.ts.
import type { Command } from 'commander';
import { runCliCommand, type OutputOptions } from '../../shared/cli/cli-output';
import { PROJECTION_NAMES } from '../../shared/read-models/read-model-names';
import { ROLES } from '../../shared/domain/user/user.events';
import { auditReplay, type ReplayOptions } from './audit-replay.command';
import { auditVerify } from './audit-verify.command';
import { projectionsRebuild } from './projections-rebuild.command';
import { projectionsStatus } from './projections-status.command';
import { projectionsVerify } from './projections-verify.command';
import { usersGrantRole } from './users-grant-role.command';
import { notificationsFailed, notificationsRetry, type RetryOptions } from './notifications.command';
import { stripeReconcile } from './stripe-reconcile.command';

const JSON_FLAG = ['--json', 'print one JSON document on stdout'] as const;

export function registerCliCommands(program: Command): void {
  registerProjections(program);
  registerAudit(program);
  registerUsers(program);
  registerNotifications(program);
  registerStripe(program);
}

function registerProjections(program: Command): void {
  const projections = program.command('projections').description('read-model projections');
  const names = PROJECTION_NAMES.join(', ');
  projections.command('status').description('position and lag of each projection')
    .option(...JSON_FLAG)
    .action((options: OutputOptions) => runCliCommand(options, () => projectionsStatus()));
  projections.command('rebuild').argument('<name>', names)
    .description('rebuild from the event log into shadow tables, swap atomically')
    .option(...JSON_FLAG)
    .action((name: string, options: OutputOptions) =>
      runCliCommand(options, () => projectionsRebuild(name)));
  projections.command('verify').argument('<name>', names)
    .description('rebuild into a scratch copy and diff it against the live one; exit 1 if they differ')
    .option(...JSON_FLAG)
    .action((name: string, options: OutputOptions) =>
      runCliCommand(options, () => projectionsVerify(name)));
}

function registerAudit(program: Command): void {
  const audit = program.command('audit').description('replay and verify the ledger from events');
  audit.command('replay').description('a wallet\'s movements and balance timeline, from events')
    .requiredOption('--wallet <id>', 'the wallet id')
    .option('--at <instant>', 'replay up to this instant (inclusive), RFC 3339 with an offset')
    .option('--from <instant>', 'start of the period (inclusive): opening balance just before')
    .option('--to <instant>', 'end of the period (inclusive): closing balance; same as --at')
    .option('--csv', 'print the period as CSV (amounts in minor units)')
    .option(...JSON_FLAG)
    .action((options: OutputOptions & ReplayOptions) =>
      runCliCommand(options, () => auditReplay(options)));
  audit.command('verify')
    .description('hash chains, contiguous versions, conservation per currency, double entry, '
      + 'read-model drift; exit 1 on any failure')
    .option(...JSON_FLAG)
    .action((options: OutputOptions) => runCliCommand(options, () => auditVerify()));
}

function registerUsers(program: Command): void {
  const users = program.command('users').description('operator bootstrap of users');
  users.command('grant-role').argument('<email>', 'the user\'s e-mail')
    .argument('<role>', ROLES.join(', '))
    .description('grant a role (first admin, auditors, merchants); no change if already held')
    .option(...JSON_FLAG)
    .action((email: string, role: string, options: OutputOptions) =>
      runCliCommand(options, () => usersGrantRole(email, role)));
}

function registerNotifications(program: Command): void {
  const notifications = program.command('notifications').description('notification e-mails');
  notifications.command('failed').description('the e-mails given up on (dead letters)')
    .option(...JSON_FLAG)
    .action((options: OutputOptions) => runCliCommand(options, () => notificationsFailed()));
  notifications.command('retry').argument('[mailId]', 'the dead letter to send again')
    .description('send dead letters again through SMTP_URL; exit 1 if one fails again')
    .option('--all', 'every dead letter')
    .option(...JSON_FLAG)
    .action((mailId: string | undefined, options: OutputOptions & RetryOptions) =>
      runCliCommand(options, () => notificationsRetry(mailId, options)));
}

function registerStripe(program: Command): void {
  const stripe = program.command('stripe').description('card payments (Stripe or the simulator)');
  stripe.command('reconcile')
    .description('credit every paid top-up session since an instant whose webhook never came; '
      + 'safe to repeat')
    .requiredOption('--since <instant>', 'sessions created at or after it, RFC 3339 with an offset')
    .option(...JSON_FLAG)
    .action((options: OutputOptions & { since: string }) =>
      runCliCommand(options, () => stripeReconcile(options.since)));
}
