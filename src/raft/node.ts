import type {
  Message, ProposeResult, RaftConfig, RaftStatus, ReadIndexResult, Ready, Recovered, NodeId,
} from './types';
import { RaftUsageError } from './errors';

/** SKELETON: the real implementation lands shortly; the API shape is final. */
export class RaftNode {
  constructor(private readonly config: RaftConfig, private readonly recovered: Recovered) {}
  tick(): void { throw new RaftUsageError('not implemented yet'); }
  step(_message: Message): void { throw new RaftUsageError('not implemented yet'); }
  propose(_data: string[]): ProposeResult { throw new RaftUsageError('not implemented yet'); }
  readIndex(_context: string): ReadIndexResult { throw new RaftUsageError('not implemented yet'); }
  transferLeadership(_to: NodeId): void { throw new RaftUsageError('not implemented yet'); }
  compact(_index: number, _data: string): void { throw new RaftUsageError('not implemented yet'); }
  persisted(_index: number, _term: number): void { throw new RaftUsageError('not implemented yet'); }
  hasReady(): boolean { return false; }
  ready(): Ready { throw new RaftUsageError('not implemented yet'); }
  advance(): void { throw new RaftUsageError('not implemented yet'); }
  get status(): RaftStatus { throw new RaftUsageError('not implemented yet ' + this.config.id + this.recovered.entries.length); }
}
