// A JSON document on disk, replaced atomically (write a temporary file, fsync,
// rename, fsync the directory), so a crash leaves the old or the new version,
// never a torn one. Writes are serialised.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export class JsonFile<T> {
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The document, or null when there is none yet. A corrupt file is an error. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new Error(`${this.path} is not valid JSON: ${(e as Error).message}`);
    }
  }

  write(value: T): Promise<void> {
    const text = JSON.stringify(value);
    const run = this.chain.then(() => writeAtomic(this.path, text));
    this.chain = run.catch(() => {});
    return run;
  }
}

export async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await d.close();
  }
}
