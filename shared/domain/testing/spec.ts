// Given/when/then for deciders (docs/style.md, "Decider tests"): given past events, when a command,
// then the expected events or a rejection code. The assertions sit OUTSIDE the try, so the helper
// can never swallow its own failure (the bug of the EventSourcing.NodeJS helper).
import { InvariantViolation } from '../../errors/assert';
import type { ErrorCode } from '../../errors/codes';
import { DomainError } from '../../errors/domain-error';

/** A decider whose `decide` may return any result (events, or events per stream). */
export type SpecDecider<Command, Event, State, Result> = Readonly<{
  decide: (command: Command, state: State) => Result;
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}>;

export const spec =
  <Command, Event, State, Result>(decider: SpecDecider<Command, Event, State, Result>) =>
  (given: readonly Event[]) => ({
    when: (command: Command) => {
      const run = (): Result =>
        decider.decide(
          command,
          given.reduce((state, event) => decider.evolve(state, event), decider.initialState()),
        );
      const caughtBy = (): unknown => {
        let caught: unknown;
        try {
          run();
        } catch (error) {
          caught = error;
        }
        return caught;
      };
      return {
        then: (expected: Result) => expect(run()).toEqual(expected),
        thenRejects: (code: ErrorCode) => {
          const caught = caughtBy();
          expect(caught).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe(code);
        },
        /** For preconditions that only a buggy caller can break. */
        thenViolatesInvariant: () => expect(caughtBy()).toBeInstanceOf(InvariantViolation),
      };
    },
  });
