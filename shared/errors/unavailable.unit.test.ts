// Goal: every way node-postgres says "the database cannot be reached" is recognised in one
// place and answers 503 `unavailable`; other failures (a bug, a constraint) are not, and stay
// 500; a wrapped failure is found through its cause.
import { DatabaseError } from 'pg';
import { toProblem } from '../http/problem';
import { InfraError } from './domain-error';
import {
  DependencyUnavailable, asDependencyUnavailable, isDependencyUnavailable,
} from './unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const sqlState = (code: string) => Object.assign(new DatabaseError('server says no', 0, 'error'), {
  code,
});

const UNREACHABLE: Array<[string, unknown]> = [
  ['refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
  ['reset', withCode('read ECONNRESET', 'ECONNRESET')],
  ['admin shutdown', sqlState('57P01')],
  ['cannot connect now', sqlState('57P03')],
  ['connection exception', sqlState('08006')],
  ['too many connections', sqlState('53300')],
  ['pool checkout timeout', new Error('timeout exceeded when trying to connect')],
  ['lost mid-query', new Error('Connection terminated unexpectedly')],
  ['connect timeout', new Error('Connection terminated due to connection timeout')],
  ['several addresses refused', new AggregateError([withCode('refused', 'ECONNREFUSED')])],
  ['wrapped', new InfraError('event store: lost', { cause: withCode('x', 'ECONNRESET') })],
  ['a plain object from another realm', { code: 'ECONNREFUSED', message: 'connect refused' }],
];

const NOT_UNREACHABLE: Array<[string, unknown]> = [
  ['unique violation', sqlState('23505')],
  ['deadlock', sqlState('40P01')],
  ['a bug', new TypeError('cannot read properties of undefined')],
  ['not an error', 'ECONNREFUSED'],
  ['nothing', undefined],
];

describe('isDependencyUnavailable', () => {
  test.each(UNREACHABLE)('%s: the database cannot be reached', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(true);
  });
  test.each(NOT_UNREACHABLE)('%s: not an unreachable database', (_, error) => {
    expect(isDependencyUnavailable(error)).toBe(false);
  });
  test('a cause chain is followed a bounded number of steps', () => {
    let error: unknown = withCode('refused', 'ECONNREFUSED');
    for (let depth = 0; depth < 10; depth += 1) error = new Error('wrapper', { cause: error });
    expect(isDependencyUnavailable(error)).toBe(false);
  });
});

describe('asDependencyUnavailable', () => {
  test('wraps an unreachable failure, keeping it as the cause', () => {
    const refused = withCode('connect ECONNREFUSED', 'ECONNREFUSED');
    const wrapped = asDependencyUnavailable(refused, 'event store');
    expect(wrapped).toBeInstanceOf(DependencyUnavailable);
    expect(wrapped).toBeInstanceOf(InfraError);
    expect((wrapped as Error).message).toBe('event store: connect ECONNREFUSED');
    expect((wrapped as Error).cause).toBe(refused);
  });
  test('leaves any other error as it is', () => {
    const bug = new TypeError('oops');
    expect(asDependencyUnavailable(bug, 'event store')).toBe(bug);
  });
});

describe('the problem a client sees', () => {
  test.each(UNREACHABLE)('%s: 503 unavailable, with no internals in the detail', (_, error) => {
    const body = toProblem(error, '/v1/transfers');
    expect(body).toMatchObject({ status: 503, code: 'unavailable', instance: '/v1/transfers' });
    expect(body.detail).not.toMatch(/ECONN|127\.0\.0\.1|Connection/);
  });
  test('a bug stays a 500 internal_error', () => {
    expect(toProblem(new TypeError('x'), '/v1/me')).toMatchObject({
      status: 500, code: 'internal_error',
    });
  });
});
