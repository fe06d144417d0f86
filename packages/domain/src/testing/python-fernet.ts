import { execFileSync } from 'node:child_process';
import { commandAvailable } from './tools';

/** Tests only: decrypts a stored secret with Python's cryptography.Fernet, exactly as the legacy app did. */
export function pythonFernetDecrypt(stored: string, secret: string): string {
  const script = [
    'import base64, sys',
    'from cryptography.fernet import Fernet',
    'from cryptography.hazmat.primitives import hashes',
    'from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC',
    "kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b'groundtruth_studio_salt_v1', iterations=100000)",
    'key = base64.urlsafe_b64encode(kdf.derive(sys.argv[1].encode()))',
    'sys.stdout.write(Fernet(key).decrypt(base64.urlsafe_b64decode(sys.argv[2].encode())).decode())',
  ].join('\n');
  return execFileSync('python3', ['-c', script, secret, stored]).toString();
}

export const PYTHON_CRYPTOGRAPHY_MISSING =
  "python3 with the cryptography package (the legacy app's library) is missing: pip install cryptography";

/** Whether this machine has python3 with the cryptography package (the legacy app's library). */
export function hasPythonCryptography(): boolean {
  return commandAvailable('python3', ['-c', 'import cryptography']);
}
