// The command API's one 404 rejection. Someone else's wallet or hold answers exactly like a
// missing one, so a caller learns nothing about what others own.
import { DomainError } from '../../shared/errors/domain-error';

export type Missing = 'wallet' | 'hold' | 'user' | 'merchant';

export const notFound = (what: Missing): DomainError =>
  new DomainError('not_found', `no such ${what}`);
