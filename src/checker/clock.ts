/**
 * The one place the checkers read a real clock: the default for budgets.
 * Checkers take `now` as an option so tests and the simulator can inject
 * their own; this adapter is only the fallback.
 */
import { performance } from 'perf_hooks';

export const defaultClock = (): number => performance.now();
