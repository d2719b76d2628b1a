/**
 * The plumbing the pure reducers (engine/calls, engine/agents) share: one step takes a state and an input and
 * returns the next state, the effects for the shell to carry out (ARI commands, named timers, and each reducer's
 * own kinds) and the domain events to publish. `StepScratch` is the mutable scratch a step writes into; the state
 * it was given is copied first by the reducer's subclass and never modified.
 */
import type { AriCommand } from '../ari/index.js';
import type { DomainEvent } from '../events/index.js';

/** The effects every reducer may ask for; each reducer's effect union adds its own kinds. */
export type CommonEffect<T extends string> =
  | { kind: 'ari'; command: AriCommand }
  | { kind: 'timer-set'; timer: T; ms: number }
  | { kind: 'timer-clear'; timer: T };

/** What one reducer step returns. */
export interface Step<S, F> {
  state: S;
  effects: F[];
  events: DomainEvent[];
}

/**
 * Scratch for one step. `s` is the step's own copy of the state (the subclass copies the arrays it mutates);
 * timers started are listed in `s.timers`, so clearing one that is not running emits nothing.
 */
export class StepScratch<S extends { timers: T[] }, T extends string, F extends { kind: string }> {
  readonly effects: F[] = [];
  readonly events: DomainEvent[] = [];

  constructor(
    readonly s: S,
    readonly at: number,
  ) {}

  ari(command: AriCommand): void {
    this.push({ kind: 'ari', command });
  }

  setTimer(timer: T, ms: number): void {
    if (!this.s.timers.includes(timer)) this.s.timers.push(timer);
    this.push({ kind: 'timer-set', timer, ms });
  }

  clearTimer(timer: T): void {
    if (!this.s.timers.includes(timer)) return;
    this.s.timers = this.s.timers.filter((t) => t !== timer);
    this.push({ kind: 'timer-clear', timer });
  }

  emit(e: DomainEvent): void {
    this.events.push(e);
  }

  result(): Step<S, F> {
    return { state: this.s, effects: this.effects, events: this.events };
  }

  /** Every reducer's effect union includes CommonEffect<T> (see CallEffect, AgentEffect). */
  private push(e: CommonEffect<T>): void {
    this.effects.push(e as unknown as F);
  }
}
