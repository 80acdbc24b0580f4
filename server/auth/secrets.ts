import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, 2 passes): about 30 ms here, slow enough to hurt guessing.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Verifies a password; with no stored hash it still spends the same time, so timing tells no usernames. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (hash === undefined) {
    dummyHash ??= hashPassword(randomToken());
    await argon2.verify(await dummyHash, password);
    return false;
  }
  return argon2.verify(hash, password);
}

/** 256 random bits, URL-safe: session cookies and integration keys. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** High-entropy tokens need no slow hash: sha-256 makes a stolen table useless without slowing every request. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A readable password for the first admin, printed once. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
