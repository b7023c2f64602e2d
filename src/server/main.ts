/**
 * Process entry point of the node (bundled to dist/raft-node.js). The wiring
 * lives in run-node.ts, shared with the test-only broken build
 * (corpus/broken-node-main.ts); this entry never sets testing faults.
 */
import { runNode } from './run-node';

runNode(process.argv.slice(2));
