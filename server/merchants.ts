/** Merchants and their keys. Secret keys are shown once, at creation, and stored only as hashes. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newId, randomToken, sha256 } from './crypto.ts';
import type { Db } from './storage/db.ts';
import { forgetKey } from './auth.ts';

export interface MerchantKeys {
  merchantId: string;
  publishableKey: string;
  secretKey: string;
}

export async function createMerchant(
  db: Db,
  options: { name: string; mode?: 'test' | 'live'; allowedOrigins?: string[] },
): Promise<MerchantKeys> {
  const mode = options.mode ?? 'test';
  const merchantId = newId('mer', 16);
  const publishableKey = `pk_${mode}_${randomToken(32)}`;
  const secretKey = `sk_${mode}_${randomToken(32)}`;
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO merchants (id, name) VALUES ($1, $2)`, [merchantId, options.name]);
    await tx.query(
      `INSERT INTO api_keys (id, merchant_id, type, mode, publishable_key, hint, allowed_origins) VALUES ($1, $2, 'publishable', $3, $4, $5, $6)`,
      [newId('key', 16), merchantId, mode, publishableKey, publishableKey.slice(-4), options.allowedOrigins ?? []],
    );
    await tx.query(
      `INSERT INTO api_keys (id, merchant_id, type, mode, secret_hash, hint) VALUES ($1, $2, 'secret', $3, $4, $5)`,
      [newId('key', 16), merchantId, mode, sha256(secretKey), secretKey.slice(-4)],
    );
  });
  return { merchantId, publishableKey, secretKey };
}

export async function setAllowedOrigins(db: Db, publishableKey: string, origins: string[]): Promise<boolean> {
  const rows = await db.query(`UPDATE api_keys SET allowed_origins = $2 WHERE publishable_key = $1 RETURNING id`, [publishableKey, origins]);
  forgetKey(db, publishableKey);
  return rows.length > 0;
}

/**
 * The embedded mode's test merchant: created on first start, its keys kept in a local file of
 * the data folder (never in the database) so later starts can print them again.
 */
export async function ensureDevMerchant(db: Db, dataDir: string, allowedOrigins: string[]): Promise<MerchantKeys & { created: boolean }> {
  const file = path.join(dataDir, 'dev-keys.json');
  try {
    const keys = JSON.parse(await readFile(file, 'utf8')) as MerchantKeys;
    const [row] = await db.query(`SELECT id FROM api_keys WHERE secret_hash = $1`, [sha256(keys.secretKey)]);
    if (row) {
      await setAllowedOrigins(db, keys.publishableKey, allowedOrigins);
      return { ...keys, created: false };
    }
  } catch {
    // No keys yet (or a database that was reset): create them below.
  }
  const keys = await createMerchant(db, { name: 'Paykit Demo Store', allowedOrigins });
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return { ...keys, created: true };
}
