/** Maelstrom's `echo` workload: reply with the request's `echo` value. */
import { requireField } from '../../src/protocol/node';
import type { LocalWorkload } from '../../src/server/workload';

export const echoWorkload: LocalWorkload = {
  kind: 'local',
  name: 'echo',
  requestTypes: ['echo'],
  handle(request, { node }) {
    const echo = requireField(request.body, 'echo');
    node.reply(request, { type: 'echo_ok', echo });
  },
};
