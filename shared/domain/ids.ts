// Branded identifiers of the domain. They stop a WalletId from being passed where a HoldId is
// expected; at run time they are plain strings. Ids come in with the command (the handler
// makes them), never from inside a decider, so a re-run decision produces the same events.
import { z } from 'zod/v4';

/** Letters, digits and `_ . : -`; short enough to sit inside a stream id. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const idString = () => z.string().regex(ID_PATTERN, 'an id of letters, digits and _ . : -');

export const WalletIdSchema = idString().brand<'WalletId'>();
export const UserIdSchema = idString().brand<'UserId'>();
export const MovementIdSchema = idString().brand<'MovementId'>();
export const HoldIdSchema = idString().brand<'HoldId'>();

export type WalletId = z.infer<typeof WalletIdSchema>;
export type UserId = z.infer<typeof UserIdSchema>;
export type MovementId = z.infer<typeof MovementIdSchema>;
export type HoldId = z.infer<typeof HoldIdSchema>;

// Parsing constructors: an id that breaks the pattern is a bug of the caller (the HTTP layer
// validates first), so these throw rather than return a result.
export const walletId = (raw: string): WalletId => WalletIdSchema.parse(raw);
export const userId = (raw: string): UserId => UserIdSchema.parse(raw);
export const movementId = (raw: string): MovementId => MovementIdSchema.parse(raw);
export const holdId = (raw: string): HoldId => HoldIdSchema.parse(raw);
