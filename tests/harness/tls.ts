import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';

/** A self-signed certificate for 127.0.0.1, valid one day, made with openssl in `dir`: { cert, key } paths (PEM). */
export function selfSignedCertificate(dir: string, name = 'server'): { cert: string; key: string } {
  const openssl = requireBinary('openssl', 'openssl');
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    openssl,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}
