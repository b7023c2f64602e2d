/** Records every FileSystem call (for debugging a failing seed: TRACE=1). */
import type { FileHandle, FileSystem, OpenMode } from '../../../src/storage';

export function tracing(inner: FileSystem, out: (line: string) => void): FileSystem {
  const call = <T>(what: string, p: Promise<T>): Promise<T> => {
    out(`> ${what}`);
    return p.then((v) => { out(`< ${what}`); return v; }, (e: unknown) => { out(`! ${what}: ${(e as Error).message}`); throw e; });
  };
  return {
    mkdir: (d) => call(`mkdir ${d}`, inner.mkdir(d)),
    list: (d) => call(`list ${d}`, inner.list(d)),
    readFile: (p) => call(`read ${p}`, inner.readFile(p)),
    rename: (a, b) => call(`rename ${a} ${b}`, inner.rename(a, b)),
    unlink: (p) => call(`unlink ${p}`, inner.unlink(p)),
    truncate: (p, n) => call(`truncate ${p} ${n}`, inner.truncate(p, n)),
    fsyncDir: (d) => call(`fsyncDir ${d}`, inner.fsyncDir(d)),
    async open(path: string, mode: OpenMode): Promise<FileHandle> {
      const h = await call(`open ${path} ${mode}`, inner.open(path, mode));
      return {
        append: (data) => call(`append ${path} ${data.length}`, h.append(data)),
        fsync: () => call(`fsync ${path}`, h.fsync()),
        close: () => call(`close ${path}`, h.close()),
      };
    },
  };
}
