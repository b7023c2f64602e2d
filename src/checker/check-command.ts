export async function runCheckCommand(argv: string[], out: (line: string) => void): Promise<number> {
  void argv;
  out('maelstrom-local check: not implemented yet');
  return 2;
}
