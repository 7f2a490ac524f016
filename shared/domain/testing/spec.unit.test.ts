// Goal: the spec helper cannot swallow its own failed assertion (docs/style.md, "Decider tests"): a
// command that should be rejected but is accepted must fail the test, and so must a wrong code.
import { DomainError } from '../../errors/domain-error';
import { spec } from './spec';

type Command = 'accept' | 'reject';
const toyDecider = {
  decide: (command: Command, count: number): number[] => {
    if (command === 'reject') throw new DomainError('insufficient_funds', 'no');
    return [count + 1];
  },
  evolve: (count: number, event: number) => count + event,
  initialState: () => 0,
};

test('then compares the events decided from the folded state', () =>
  spec(toyDecider)([1, 2]).when('accept').then([4]));

test('thenRejects passes on the expected code', () =>
  spec(toyDecider)([]).when('reject').thenRejects('insufficient_funds'));

test('thenRejects fails when the command is accepted', () => {
  expect(() => spec(toyDecider)([]).when('accept').thenRejects('insufficient_funds')).toThrow();
});

test('thenRejects fails on another code', () => {
  expect(() => spec(toyDecider)([]).when('reject').thenRejects('wallet_frozen')).toThrow();
});

test('then fails when the command is rejected', () => {
  expect(() => spec(toyDecider)([]).when('reject').then([1])).toThrow(DomainError);
});
