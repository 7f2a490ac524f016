// What `tng audit replay` produces, rendered as JSON (as is), a table (audit-replay.human.ts)
// or CSV (audit-replay.csv.ts).
import type { RoleChange } from '../../shared/audit/owner-roles';
import type { Figures, PeriodTotals } from '../../shared/audit/wallet-period';
import type { TimelineStep } from '../../shared/audit/wallet-timeline';

export type ReplayView = Readonly<{
  walletId: string;
  kind: string;
  ownerId: string | null;
  currency: string;
  status: string;
  from: string | null;
  to: string | null;
  opening: Figures;
  steps: readonly TimelineStep[];
  closing: Figures;
  totals: PeriodTotals;
  ownerRoles: readonly RoleChange[];
}>;
