// A small OpenID Connect issuer on loopback for keyless tests: discovery, JWKS and RS256 tokens for
// test identities (an email, a Kubernetes service account URI, a GitHub-workflow-like subject).
// Fulcio fetches the discovery document and keys from it, exactly as it does from a real issuer.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface TokenClaims {
  sub: string;
  email?: string;
  email_verified?: boolean;
  [claim: string]: unknown;
}

export interface OidcIssuer {
  url: string;
  mint(claims: TokenClaims, audience?: string, lifetimeSeconds?: number): string;
  stop(): Promise<void>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function jwk(publicKey: KeyObject, kid: string): Record<string, unknown> {
  return { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  let url = '';
  const server: Server = createServer((req, res) => {
    const send = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      send({
        issuer: url,
        jwks_uri: `${url}/keys`,
        authorization_endpoint: `${url}/auth`,
        token_endpoint: `${url}/token`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (req.url === '/keys') {
      send({ keys: [jwk(publicKey, kid)] });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    mint(claims, audience = 'sigstore', lifetimeSeconds = 600) {
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
      const payload = b64url(JSON.stringify({ iss: url, aud: audience, iat: now, nbf: now - 5, exp: now + lifetimeSeconds, ...claims }));
      const signer = createSign('RSA-SHA256');
      signer.update(`${header}.${payload}`);
      return `${header}.${payload}.${b64url(signer.sign(privateKey))}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
