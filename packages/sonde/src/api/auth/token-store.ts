// API tokens: random secrets shown once at creation and stored only as
// SHA-256 hashes (a 256-bit random secret needs no slow hash: there is
// nothing to brute-force). Kept in <data_dir>/tokens.json, written atomically.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly hash: string;
  readonly createdAt: string;
}

const TOKEN_FORMAT = /^sonde_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class TokenStore {
  private records: TokenRecord[] = [];

  private constructor(private readonly path: string) {}

  static async open(dataDir: string): Promise<TokenStore> {
    const store = new TokenStore(join(dataDir, 'tokens.json'));
    try {
      const parsed = JSON.parse(await readFile(store.path, 'utf8')) as { tokens?: TokenRecord[] };
      store.records = (parsed.tokens ?? []).filter((t) => ROLES.includes(t.role));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`cannot read token store ${store.path}: ${(err as Error).message}`);
      }
    }
    return store;
  }

  list(): readonly TokenRecord[] {
    return this.records;
  }

  has(id: string): boolean {
    return this.records.some((r) => r.id === id);
  }

  get size(): number {
    return this.records.length;
  }

  /** Creates a token; the returned secret is the only copy. */
  async create(role: Role, name: string): Promise<{ record: TokenRecord; token: string }> {
    const id = randomBytes(4).toString('hex');
    const token = `sonde_${id}_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { id, name, role, hash: sha256(token), createdAt: new Date().toISOString() };
    this.records.push(record);
    await this.save();
    return { record, token };
  }

  async revoke(id: string): Promise<boolean> {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.id !== id);
    if (this.records.length === before) return false;
    await this.save();
    return true;
  }

  /** The record a presented token belongs to, or null. Constant-time on the hash. */
  verify(token: string): TokenRecord | null {
    const m = TOKEN_FORMAT.exec(token);
    if (!m) return null;
    const record = this.records.find((r) => r.id === m[1]);
    if (!record) return null;
    const a = Buffer.from(record.hash, 'hex');
    const b = Buffer.from(sha256(token), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? record : null;
  }

  private async save(): Promise<void> {
    await mkdir(join(this.path, '..'), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ tokens: this.records }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
