/**
 * The boundary between the deterministic runner and a node under test. The
 * real runner implements it with a child process (process-host.ts); the
 * simulator can implement it with an in-process node.
 */
export interface NodeHandlers {
  /** One line the node wrote to stdout (without the newline). */
  stdout(line: string): void;
  /** The node's process ended (code or signal). */
  exit(code: number | null, signal: string | null): void;
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface NodeHost {
  readonly id: string;
  /** Start the node (again, after a kill). */
  start(handlers: NodeHandlers): void;
  /** Write one line to the node's stdin; silently ignored if it is not running (like Maelstrom). */
  send(line: string): void;
  signal(sig: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void;
  /** Never read this node's stdout again (Maelstrom's failure mode after a bad line, spec §1.1). */
  stopReading(): void;
  running(): boolean;
  exitStatus(): ExitStatus | null;
  /** The last lines of stdout/stderr, for crash reports. */
  lastLines(): { stdout: string[]; stderr: string[] };
  /** Kill (SIGKILL) if running and wait for exit; closes logs. */
  terminate(): Promise<void>;
}
