/**
 * A real OAuth2 issuer on loopback (oauth2-mock-server): RS256 keys served
 * from its JWKS endpoint, a real client-credentials token endpoint, and
 * tokens shaped like Auth0's (machine tokens: `sub` = `<client>@clients`,
 * `azp`, `gty`; the audience taken from the `audience` form field).
 */
import { OAuth2Server } from 'oauth2-mock-server';

export const AUDIENCE = 'https://api.orgraph.test';

export interface TestIssuer {
  url: string;
  jwksUri: string;
  tokenUrl: string;
  audience: string;
  server: OAuth2Server;
  /** A user access token with a verified email; `claims` override the defaults (e.g. `exp`, `aud`, `org_id`, `email_verified`). */
  userToken(subject: string, claims?: Record<string, unknown>): Promise<string>;
  /** A machine token obtained through the client-credentials grant over HTTP. */
  machineToken(clientId: string, form?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  const url = new URL(await server.start(0, '127.0.0.1').then(() => server.issuer.url!)).href.replace(/\/$/, '');
  server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }, req: { body: Record<string, string> }) => {
    if (req.body.grant_type !== 'client_credentials') return;
    const clientId = req.body.client_id!;
    Object.assign(token.payload, {
      sub: `${clientId}@clients`,
      azp: clientId,
      gty: 'client-credentials',
      aud: req.body.audience ?? AUDIENCE,
      ...(req.body.org_id ? { org_id: req.body.org_id } : {}),
    });
  });
  return {
    url,
    jwksUri: `${url}/jwks`,
    tokenUrl: `${url}/token`,
    audience: AUDIENCE,
    server,
    userToken: (subject, claims = {}) =>
      server.issuer.buildToken({
        scopesOrTransform: (_header, payload) => {
          Object.assign(payload, { sub: subject, aud: AUDIENCE, azp: 'web-app', email: `${subject.split('|').pop()}@example.test`, email_verified: true }, claims);
          for (const [k, v] of Object.entries(claims)) if (v === undefined) delete payload[k];
        },
      }),
    machineToken: async (clientId, form = {}) => {
      const response = await fetch(`${url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'secret', audience: AUDIENCE, ...form }),
      });
      if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    stop: () => server.stop(),
  };
}
