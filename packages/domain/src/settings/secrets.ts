import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Credentials in sync_config, in the legacy app's exact format so values written by either side decrypt on the
 * other: a Fernet token, base64url-encoded once more (with padding, as Python's urlsafe_b64encode writes it).
 * Fernet key = base64url(PBKDF2-HMAC-SHA256(secret, 'groundtruth_studio_salt_v1', 100000 iterations, 32 bytes)).
 */
const SALT = 'groundtruth_studio_salt_v1';
const ITERATIONS = 100_000;
const VERSION = 0x80;

export class SecretDecryptionError extends Error {
  constructor(
    message = 'Stored secret cannot be decrypted (wrong GROUNDTRUTH_ENCRYPTION_SECRET or corrupt value)',
  ) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

function base64UrlWithPadding(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function fromBase64Url(text: string): Buffer {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

const derivedKeys = new Map<string, { signing: Buffer; encryption: Buffer }>();

function fernetKey(secret: string): { signing: Buffer; encryption: Buffer } {
  let key = derivedKeys.get(secret);
  if (!key) {
    const raw = pbkdf2Sync(Buffer.from(secret, 'utf8'), Buffer.from(SALT, 'utf8'), ITERATIONS, 32, 'sha256');
    key = { signing: raw.subarray(0, 16), encryption: raw.subarray(16, 32) };
    derivedKeys.set(secret, key);
  }
  return key;
}

/** Encrypts `plaintext` as the legacy app did. `now` and `iv` are fixed only by tests. */
export function encryptSecret(
  plaintext: string,
  secret: string,
  { now = Date.now(), iv = randomBytes(16) }: { now?: number; iv?: Buffer } = {},
): string {
  const { signing, encryption } = fernetKey(secret);
  const cipher = createCipheriv('aes-128-cbc', encryption, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const header = Buffer.alloc(9);
  header.writeUInt8(VERSION, 0);
  header.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), 1);
  const body = Buffer.concat([header, iv, ciphertext]);
  const token = Buffer.concat([body, createHmac('sha256', signing).update(body).digest()]);
  const fernetToken = base64UrlWithPadding(token);
  return base64UrlWithPadding(Buffer.from(fernetToken, 'ascii'));
}

export function decryptSecret(stored: string, secret: string): string {
  const { signing, encryption } = fernetKey(secret);
  const token = fromBase64Url(fromBase64Url(stored).toString('ascii'));
  if (token.length < 9 + 16 + 16 + 32 || token[0] !== VERSION) throw new SecretDecryptionError();
  const body = token.subarray(0, token.length - 32);
  const mac = token.subarray(token.length - 32);
  const expected = createHmac('sha256', signing).update(body).digest();
  if (!timingSafeEqual(mac, expected)) throw new SecretDecryptionError();
  try {
    const decipher = createDecipheriv('aes-128-cbc', encryption, body.subarray(9, 25));
    return Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError();
  }
}
