/**
 * Maelstrom's `unique-ids` workload: `generate` → `generate_ok {id}`, ids
 * globally unique, totally available (no coordination needed).
 *
 * Uniqueness comes from (node id, incarnation, counter): the incarnation
 * differs between two runs of the same node, so a restarted node never
 * repeats an id it handed out before it was killed.
 */
import type { LocalWorkload } from '../../src/server/workload';

export function uniqueIdsWorkload(): LocalWorkload {
  let counter = 0;
  return {
    kind: 'local',
    name: 'unique-ids',
    requestTypes: ['generate'],
    handle(request, { node, incarnation }) {
      counter += 1;
      node.reply(request, { type: 'generate_ok', id: `${node.nodeId}-${incarnation}-${counter}` });
    },
  };
}
