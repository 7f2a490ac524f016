// The decider shape shared by every aggregate (emmett, equinox): `decide` turns a command and
// the current state into new events or throws a DomainError; `evolve` folds one event into
// the state. Both are pure: no I/O, no clock, no random ids. Commands that touch two
// aggregates (transfers, captures) are plain functions taking both states instead.

export type Decider<Command, Event, State> = Readonly<{
  decide: (command: Command, state: State) => readonly Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}>;

/** Folds a stream's events into its state, as a loader does after reading the stream. */
export const foldEvents = <Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly Event[],
): State => events.reduce(decider.evolve, decider.initialState());
