import { itIf } from '@groundtruth/jest-preset/conditional';
import { decryptSecret, encryptSecret, SecretDecryptionError } from '../src/settings/secrets';
import {
  hasPythonCryptography,
  PYTHON_CRYPTOGRAPHY_MISSING,
  pythonFernetDecrypt,
} from '../src/testing/python-fernet';

const SECRET = 'default-secret-change-me';
// Written by the legacy Python app (cryptography.Fernet, PBKDF2 key, urlsafe_b64encode of the token).
const LEGACY_VALUE =
  'Z0FBQUFBQnJCdEs5by1YU19lcTAtLUl1RUFlMnYtTFY3WUcwV0pQdG4wbUdRcVAyZmNfRzFiVkF1blFqZG5sU1p5YUdlU3VaNW13cUREakZuSEdqbS00Q1Jjc0Z4WXZmQXc9PQ==';

describe('legacy-compatible secrets', () => {
  it('decrypts a value the legacy app wrote', () => {
    expect(decryptSecret(LEGACY_VALUE, SECRET)).toBe('s3cr3t-äpi-key');
  });

  it('round-trips and never stores the plain text', () => {
    const stored = encryptSecret('hunter2', 'another-secret');
    expect(stored).not.toContain('hunter2');
    expect(decryptSecret(stored, 'another-secret')).toBe('hunter2');
  });

  it('refuses a wrong secret or a tampered value', () => {
    const stored = encryptSecret('hunter2', SECRET);
    expect(() => decryptSecret(stored, 'wrong')).toThrow(SecretDecryptionError);
    const tampered = stored.slice(0, 20) + (stored[20] === 'A' ? 'B' : 'A') + stored.slice(21);
    expect(() => decryptSecret(tampered, SECRET)).toThrow(SecretDecryptionError);
  });

  itIf(hasPythonCryptography(), PYTHON_CRYPTOGRAPHY_MISSING)(
    'writes values the legacy format decrypts (Python cryptography.Fernet)',
    () => {
      const stored = encryptSecret('from-typescript ✓', SECRET);
      expect(pythonFernetDecrypt(stored, SECRET)).toBe('from-typescript ✓');
    },
  );
});
