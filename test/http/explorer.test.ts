/**
 * The explorer: GraphiQL at GET /graphql for browsers, served from npm
 * packages by Orgraph itself. Over plain HTTP: what is served to whom, and
 * that nothing else is. In headless Chromium (Debian's chromium package,
 * driven by playwright-core): the page runs a query with a real token.
 */
import { request } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { hasChromium, launchChromium } from '../helpers/chromium.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const HTML = { accept: 'text/html' };
const BROWSER_ACCEPT = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8' };
const ASSETS: [string, RegExp][] = [
  ['/explorer/assets/react.production.min.js', /^text\/javascript/],
  ['/explorer/assets/react-dom.production.min.js', /^text\/javascript/],
  ['/explorer/assets/graphiql.min.js', /^text\/javascript/],
  ['/explorer/assets/graphiql.min.css', /^text\/css/],
  ['/explorer/assets/explorer.js', /^text\/javascript/],
  ['/explorer/assets/explorer.css', /^text\/css/],
];

/** The little of the DOM that the callbacks run in the page touch (the project compiles without the DOM's types). */
interface PageElement {
  textContent: string | null;
  CodeMirror?: { getValue(): string; setValue(text: string): void };
}
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
}

const quiet = { LOG_LEVEL: 'silent' };
const t = useOrgraph(quiet);
let server: TestOrgraph; // a real issuer, NODE_ENV=test: explorer on, no token in the page
let dev: TestOrgraph; // no AUTH_ISSUER: the dev issuer, whose first demo user's token the page carries
let production: TestOrgraph; // NODE_ENV=production: explorer off
let productionOn: TestOrgraph; // NODE_ENV=production, EXPLORER=on

beforeAll(async () => {
  server = t.server;
  [dev, production, productionOn] = await Promise.all([
    t.start({ ...quiet, AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_JWKS_URI: '', DEV_ISSUER_KEY_FILE: ':memory:' }),
    t.start({ ...quiet, NODE_ENV: 'production' }),
    t.start({ ...quiet, NODE_ENV: 'production', EXPLORER: 'on' }),
  ]);
});

/** A request with the path sent exactly as given (fetch would normalize `..` and encodings away). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function attribute(html: string, name: string): string | undefined {
  const value = new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];
  return value?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe('the explorer over HTTP', () => {
  it('is on by default outside production, off in production unless EXPLORER=on', () => {
    expect(loadConfig({}).explorer).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).explorer).toBe(true);
    const prod = { NODE_ENV: 'production', AUTH_ISSUER: 'https://tenant.example/', AUTH_AUDIENCE: 'https://api' };
    expect(loadConfig(prod).explorer).toBe(false);
    expect(loadConfig({ ...prod, EXPLORER: 'on' }).explorer).toBe(true);
    expect(loadConfig({ EXPLORER: 'off' }).explorer).toBe(false);
    expect(() => loadConfig({ EXPLORER: 'yes' })).toThrow(ConfigError);
  });

  it('serves the page to a browser at GET /graphql, referencing nothing but its own assets', async () => {
    for (const headers of [HTML, BROWSER_ACCEPT]) {
      const res = await fetch(`${server.url}/graphql`, { headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toMatch(/https?:|unsafe-eval/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<div id="explorer"');
      const external = (html.match(/https?:\/\/[^\s"'<>]*/g) ?? []).filter((u) => !u.startsWith(`${server.url}/`));
      expect(external).toEqual([]);
      expect(html).not.toMatch(/\/\/(unpkg|cdn|jsdelivr|esm\.sh)/i);
      const references = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
      expect(references.length).toBeGreaterThanOrEqual(4);
      for (const ref of references) expect(ASSETS.map(([path]) => path)).toContain(ref);
      expect(attribute(html, 'data-endpoint')).toBe('/graphql');
      expect(attribute(html, 'data-headers')).toBeUndefined(); // a real issuer: no token to give
    }
  });

  it('leaves every other request to /graphql to Apollo', async () => {
    const query = encodeURIComponent('{ viewer { kind } }');
    // a GraphQL GET that asks for HTML is Apollo's to refuse (it answers JSON only)
    const get = await fetch(`${server.url}/graphql?query=${query}`, { headers: { ...HTML, 'apollo-require-preflight': 'true' } });
    expect(get.headers.get('content-type')).toMatch(/json/);
    expect(await get.text()).not.toMatch(/<html/i);
    const json = await fetch(`${server.url}/graphql`, { headers: { accept: 'application/json, text/html' } });
    expect(json.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { ...BROWSER_ACCEPT, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(post.headers.get('content-type')).not.toMatch(/text\/html/);
    expect(await post.json()).toEqual({ data: { viewer: null } });
  });

  it('serves its assets from the npm packages with the right content types', async () => {
    for (const [path, type] of ASSETS) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(type);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const body = await res.text();
      expect(body.length, path).toBeGreaterThan(50);
      const etag = res.headers.get('etag')!;
      expect((await fetch(`${server.url}${path}`, { headers: { 'if-none-match': etag } })).status, path).toBe(304);
    }
    const graphiql = await (await fetch(`${server.url}/explorer/assets/graphiql.min.js`)).text();
    expect(graphiql).toContain('GraphiQL');
    expect(graphiql.length).toBeGreaterThan(100_000);
  });

  it('answers 404 to anything off its list of assets, path traversal included', async () => {
    for (const path of [
      '/explorer/assets/../../package.json',
      '/explorer/assets/..%2f..%2fpackage.json',
      '/explorer/assets/%2e%2e/%2e%2e/package.json',
      '/explorer/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/explorer/assets/..%5c..%5cpackage.json',
      '/explorer/assets/graphiql.min.js/../../../package.json',
      '/explorer/assets//etc/passwd',
      '/explorer/assets/%2fetc%2fpasswd',
      '/explorer/assets/node_modules/graphiql/package.json',
      '/explorer/assets/graphiql.min.js.map',
      '/explorer/assets/graphiql.min.js%00.css',
      '/explorer/assets/constructor',
      '/explorer/assets/__proto__',
      '/explorer/assets/',
      '/explorer/',
      '/explorer',
    ]) {
      const res = await rawGet(server.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toMatch(/"name": "orgraph"|root:x:0|"dependencies"/);
    }
  });

  it('carries, in development, a working token of the first demo user', async () => {
    const html = await (await fetch(`${dev.url}/graphql`, { headers: HTML })).text();
    const headers = JSON.parse(attribute(html, 'data-headers') ?? '{}') as { Authorization?: string };
    const token = headers.Authorization?.replace(/^Bearer /, '') ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string };
    expect(claims.sub).toBe('auth0|demo-alice');
    const res = await dev.graphql(token, '{ viewer { kind user { email } } }');
    expect(res.data, res.raw).toEqual({ viewer: { kind: 'USER', user: { email: 'alice@demo.example' } } });
    // and a switcher between every demo principal, each with a token of its own
    const principals = JSON.parse(attribute(html, 'data-principals') ?? '[]') as { label: string; token: string }[];
    expect(principals.map((p) => p.label)).toEqual([
      'Alice (owner) <alice@demo.example>',
      'Bob (writer) <bob@demo.example>',
      'Carol (reader) <carol@demo.example>',
      'machine client demo-ci (WRITER)',
    ]);
    expect(principals[0]!.token).toBe(token);
    expect([...html.matchAll(/<option value="(\d)">/g)].map((m) => m[1])).toEqual(['0', '1', '2', '3']);
    expect(attribute(await (await fetch(`${server.url}/graphql`, { headers: HTML })).text(), 'data-principals')).toBeUndefined();
  });

  it('is not served in production', async () => {
    const res = await fetch(`${production.url}/graphql`, { headers: BROWSER_ACCEPT });
    expect([400, 404]).toContain(res.status);
    expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await res.text()).not.toMatch(/<html|graphiql/i);
    for (const [path] of ASSETS) expect((await fetch(`${production.url}${path}`)).status, path).toBe(404);
  });

  it('is served in production with EXPLORER=on, without a token', async () => {
    const res = await fetch(`${productionOn.url}/graphql`, { headers: HTML });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="explorer"');
    expect(html).not.toContain('Bearer');
    expect((await fetch(`${productionOn.url}/explorer/assets/graphiql.min.js`)).status).toBe(200);
  });
});

describe.skipIf(!hasChromium)('the explorer in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the explorer in a fresh context; collects page errors, CSP violations and requests that left the server. */
  async function open(base: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (req) => {
      if (!req.url().startsWith(`${base}/`)) problems.push(`request off the server: ${req.url()}`);
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
    });
    const introspection = page.waitForResponse((res) => res.url() === `${base}/graphql` && (res.request().postData() ?? '').includes('IntrospectionQuery'));
    await page.goto(`${base}/graphql`);
    await page.waitForSelector('section[aria-label="Query Editor"] .CodeMirror');
    return { page, problems, introspection, close: () => context.close() };
  }

  async function setEditor(page: Page, selector: string, value: string) {
    await page.locator(selector).first().waitFor();
    await page.evaluate(
      ([s, v]) => {
        const element = (globalThis as unknown as PageGlobals).document.querySelector(s!);
        if (!element?.CodeMirror) throw new Error(`no editor at ${s}`);
        element.CodeMirror.setValue(v!);
      },
      [selector, value],
    );
  }

  async function run(page: Page, expected: string) {
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      (text) => (globalThis as unknown as PageGlobals).document.querySelector('section[aria-label="Result Window"]')?.textContent?.includes(text),
      expected,
      { timeout: 15_000 },
    );
    return (await page.locator('section[aria-label="Result Window"]').innerText()).replace(/\s+/g, ' ');
  }

  it('in development, runs a query with the prefilled demo token', { timeout: 60_000 }, async () => {
    const { page, problems, introspection, close } = await open(dev.url);
    try {
      // the schema arrives (the server's introspection query fits the depth limit)
      const schema = (await (await introspection).json()) as { data?: { __schema?: unknown }; errors?: unknown };
      expect(schema.errors).toBeUndefined();
      expect(schema.data?.__schema).toBeTruthy();
      const headers = await page.evaluate(() =>
        [...(globalThis as unknown as PageGlobals).document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].map((e) => e.CodeMirror?.getValue()).join('\n'),
      );
      expect(headers).toMatch(/"Authorization": "Bearer eyJ/);
      await setEditor(page, 'section[aria-label="Query Editor"] .CodeMirror', '{ viewer { kind } }');
      const result = await run(page, 'USER');
      expect(result).toMatch(/"viewer": \{ "kind": "USER" \}/);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('in development, switches between the demo principals: the same query answered for each', { timeout: 60_000 }, async () => {
    const { page, problems, close } = await open(dev.url);
    try {
      const query = '{ viewer { kind user { email } } }';
      await setEditor(page, 'section[aria-label="Query Editor"] .CodeMirror', query);
      expect(await run(page, 'alice@demo.example')).toContain('alice@demo.example');
      await page.selectOption('#principal', { label: 'Carol (reader) <carol@demo.example>' });
      await setEditor(page, 'section[aria-label="Query Editor"] .CodeMirror', query);
      expect(await run(page, 'carol@demo.example')).toContain('carol@demo.example');
      await page.selectOption('#principal', '1');
      await setEditor(page, 'section[aria-label="Query Editor"] .CodeMirror', query);
      expect(await run(page, 'bob@demo.example')).toContain('bob@demo.example');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows each field's rule in the docs pane", { timeout: 60_000 }, async () => {
    const { page, problems, introspection, close } = await open(dev.url);
    try {
      await introspection;
      await page.click('button[aria-label="Show Documentation Explorer"]');
      await page.locator('.graphiql-doc-explorer a', { hasText: /^Query$/ }).first().click();
      const docs = page.locator('.graphiql-doc-explorer');
      // the type's field list carries each field's description; its styles may hide part of it, so read the text, not the view
      await docs.getByText('Access: @authenticated', { exact: false }).first().waitFor({ state: 'attached', timeout: 15_000 });
      expect(await docs.textContent()).toMatch(/The caller; null when anonymous\.\s*Access: @public/);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('with a real issuer, runs a query with a token typed into the headers editor', { timeout: 60_000 }, async () => {
    const token = await t.issuer.userToken('auth0|explorer-user', { email: 'explorer-user@example.test' });
    const { page, problems, close } = await open(server.url);
    try {
      await setEditor(page, 'section[aria-label="Query Editor"] .CodeMirror', '{ viewer { kind } }');
      expect(await run(page, '"viewer": null')).toContain('"viewer": null'); // anonymous: no header yet
      await page.getByRole('button', { name: 'Headers' }).click();
      await setEditor(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify({ Authorization: `Bearer ${token}` }));
      await setEditor(page, 'section[aria-label="Query Editor"] .CodeMirror', '{ viewer { kind user { email } } }');
      const result = await run(page, 'USER');
      expect(result).toMatch(/"kind": "USER"/);
      expect(result).toContain('explorer-user@example.test');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
