/**
 * A key server of a suite's own on loopback: it serves a JWKS (or, where a
 * path asks for a PEM or an x5u certificate, the first key's PEM), can be
 * taken down (503), and records every request it gets, so a suite can count
 * the fetches an Orgraph makes or show that it never made one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
  pem: string;
}

/** A fresh RS256 key pair with its public JWK (`kid`, `alg`, `use: sig`) and SPKI PEM. */
export async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, pem: await exportSPKI(publicKey) };
}

export interface KeyServer {
  url: string;
  /** The JWKS's address, for AUTH_JWKS_URI. */
  jwksUri: string;
  /** The keys served; push to rotate. */
  keys: SigningKey[];
  /** `METHOD path` of every request, in order. */
  requests: string[];
  /** False: every request is answered 503. */
  up: boolean;
}

/** Starts a key server serving `keys()` before the suite and stops it after; read the handle inside tests and hooks. */
export function useKeyServer(keys: () => Promise<SigningKey[]>): KeyServer {
  const handle: KeyServer = { url: '', jwksUri: '', keys: [], requests: [], up: true };
  let server: Server | undefined;
  beforeAll(async () => {
    handle.keys = await keys();
    server = createServer((req, res) => {
      handle.requests.push(`${req.method} ${req.url}`);
      if (!handle.up) return void res.writeHead(503).end();
      if (req.url?.includes('pem') || req.url?.includes('x5u')) {
        res.setHeader('content-type', 'application/x-pem-file');
        res.end(handle.keys[0]!.pem);
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: handle.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    handle.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    handle.jwksUri = `${handle.url}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });
  return handle;
}
