/**
 * The explorer: a GraphiQL page for browsers at GET /graphql (when the
 * request asks for HTML and carries no query), served entirely by Orgraph.
 * GraphiQL and React come from their npm packages' browser bundles, served
 * under /explorer/assets/ from an exact allow-list of files (a request path is
 * only ever a key into that list, never part of a file path). In development
 * (the dev issuer) the page carries fresh tokens of the demo principals and
 * a switcher between them, so one query can be run as each role.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import type { DevIssuer } from '../identity/dev-issuer.js';
import { demoTokens, type DemoPrincipal } from '../dev/demo.js';
import { sendError } from './graphql-handler.js';

export const EXPLORER_ENDPOINT = '/graphql';
export const EXPLORER_ASSETS = '/explorer/assets/';
const DEFAULT_QUERY = '{\n  viewer {\n    kind\n    user { email name }\n  }\n}\n';

/** Only self; GraphiQL's stylesheet embeds its fonts as data: URLs, and its components set inline styles. */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** Starts GraphiQL on the page's #explorer element, with the settings in its data attributes. */
const BOOTSTRAP = `(function () {
  var root = document.getElementById('explorer');
  var principals = JSON.parse(root.getAttribute('data-principals') || '[]');
  var introspection = root.getAttribute('data-introspection-query');
  var fetch = GraphiQL.createFetcher({ url: new URL(root.getAttribute('data-endpoint'), window.location.href).href });
  // GraphiQL's own introspection query nests deeper than the server's depth limit: ask the server's instead.
  var fetcher = function (params, options) {
    if (introspection && params.operationName === 'IntrospectionQuery') params = Object.assign({}, params, { query: introspection });
    return fetch(params, options);
  };
  var reactRoot = ReactDOM.createRoot(root);
  // Switching principals mounts GraphiQL afresh with that principal's header; the query tabs survive in its storage.
  var render = function (index) {
    var headers = principals.length ? JSON.stringify({ Authorization: 'Bearer ' + principals[index].token }, null, 2) : root.getAttribute('data-headers') || undefined;
    reactRoot.render(
      React.createElement(GraphiQL, {
        key: 'principal-' + index,
        fetcher: fetcher,
        defaultQuery: root.getAttribute('data-default-query') || undefined,
        defaultHeaders: headers,
        headers: headers,
        defaultEditorToolsVisibility: headers ? 'headers' : false,
        shouldPersistHeaders: false,
      }),
    );
  };
  var select = document.getElementById('principal');
  if (select) select.addEventListener('change', function () { render(Number(select.value)); });
  render(0);
})();
`;

const PAGE_CSS = `html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; }
#explorer { flex: 1; min-height: 0; }
#principal-bar { padding: 6px 12px; font: 14px system-ui, sans-serif; border-bottom: 1px solid #ddd; }
#principal-bar select { margin-left: 6px; font: inherit; }
`;

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** The only files served under /explorer/assets/: name -> where it comes from. */
const ASSET_FILES: Record<string, { type: string; file?: () => string; text?: string }> = {
  'react.production.min.js': { type: JS, file: () => join(packageDir('react'), 'umd', 'react.production.min.js') },
  'react-dom.production.min.js': { type: JS, file: () => join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js') },
  'graphiql.min.js': { type: JS, file: () => join(packageDir('graphiql'), 'graphiql.min.js') },
  'graphiql.min.css': { type: CSS, file: () => join(packageDir('graphiql'), 'graphiql.min.css') },
  'explorer.js': { type: JS, text: BOOTSTRAP },
  'explorer.css': { type: CSS, text: PAGE_CSS },
};

interface LoadedAsset {
  type: string;
  body: Buffer;
  etag: string;
}

export interface ExplorerOptions {
  /** The server's depth limit (LIMIT_DEPTH): the introspection query the page sends must fit it. */
  maxDepth: number;
  /** Set in development: the page is prefilled with an `Authorization` header for the first demo user. */
  devIssuer?: DevIssuer | null;
}

export interface Explorer {
  /** Whether the request is the explorer's: the page, or anything under /explorer/assets/. */
  handles(req: IncomingMessage, url: URL): boolean;
  serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

export function createExplorer(options: ExplorerOptions): Explorer {
  const introspectionQuery = introspectionQueryWithin(options.maxDepth);
  const loaded = new Map<string, Promise<LoadedAsset>>();

  function load(name: string): Promise<LoadedAsset> | undefined {
    if (!Object.hasOwn(ASSET_FILES, name)) return undefined;
    let asset = loaded.get(name);
    if (!asset) {
      const { type, file, text } = ASSET_FILES[name]!;
      asset = (file ? readFile(file()) : Promise.resolve(Buffer.from(text!, 'utf8'))).then((body) => ({
        type,
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      }));
      asset.catch(() => loaded.delete(name)); // a failed read is retried by the next request
      loaded.set(name, asset);
    }
    return asset;
  }

  async function principals(): Promise<DemoPrincipal[]> {
    return options.devIssuer ? demoTokens(options.devIssuer) : [];
  }

  return {
    handles: (req, url) => url.pathname.startsWith(EXPLORER_ASSETS) || (url.pathname === EXPLORER_ENDPOINT && wantsPage(req, url)),

    async serve(req, res, url) {
      if (url.pathname === EXPLORER_ENDPOINT) {
        const html = explorerPage({ endpoint: EXPLORER_ENDPOINT, principals: await principals(), introspectionQuery });
        res.statusCode = 200;
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.setHeader('content-security-policy', EXPLORER_CSP);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
        res.setHeader('cache-control', 'no-store'); // it may carry a token
        res.setHeader('vary', 'accept');
        return void res.end(html);
      }
      const pending = load(url.pathname.slice(EXPLORER_ASSETS.length));
      if (!pending) return sendError(res, 404, 'NOT_FOUND', `No route ${url.pathname}`);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Explorer assets answer GET and HEAD only');
      }
      const asset = await pending;
      res.setHeader('content-type', asset.type);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('etag', asset.etag);
      if (req.headers['if-none-match'] === asset.etag) {
        res.statusCode = 304;
        return void res.end();
      }
      res.statusCode = 200;
      res.setHeader('content-length', asset.body.length);
      res.end(req.method === 'HEAD' ? undefined : asset.body);
    },
  };
}

/**
 * A GET (or HEAD) without a `query` parameter whose Accept header prefers
 * text/html to JSON: what a browser's address bar sends. Everything else
 * (GraphQL over GET, POST, clients asking for JSON) stays Apollo's.
 */
export function wantsPage(req: IncomingMessage, url: URL): boolean {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || url.searchParams.has('query')) return false;
  let html = 0;
  let json = 0;
  for (const part of (req.headers.accept ?? '').split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (type === 'text/html') html = Math.max(html, q);
    else if (type === 'application/json' || type === 'application/graphql-response+json') json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

/**
 * The standard introspection query with its `ofType` chain cut to fit the
 * depth limit: its deepest field is `kind` at the end of that chain, under
 * __schema, types, fields, args and type (depth typeDepth + 6). Six levels
 * (the default limit of 12) describe any type up to `[[T!]!]!`.
 */
export function introspectionQueryWithin(maxDepth: number): string {
  return getIntrospectionQuery({ typeDepth: Math.max(1, Math.min(9, maxDepth - 6)) });
}

/** The page; `principals` (development) prefill the headers with the first one's token and offer a switcher. */
export function explorerPage({ endpoint, principals, introspectionQuery }: { endpoint: string; principals: DemoPrincipal[]; introspectionQuery: string }): string {
  const first = principals[0];
  const headers = first ? JSON.stringify({ Authorization: `Bearer ${first.token}` }, null, 2) : '';
  const switcher = principals.length
    ? `<div id="principal-bar"><label for="principal">Act as</label><select id="principal">${principals
        .map(({ label }, i) => `<option value="${i}">${escapeHtml(label)}</option>`)
        .join('')}</select></div>\n`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Orgraph explorer</title>
<link rel="stylesheet" href="${EXPLORER_ASSETS}graphiql.min.css">
<link rel="stylesheet" href="${EXPLORER_ASSETS}explorer.css">
</head>
<body>
${switcher}<div id="explorer" data-endpoint="${escapeHtml(endpoint)}" data-default-query="${escapeHtml(DEFAULT_QUERY)}"
  data-introspection-query="${escapeHtml(introspectionQuery)}"${headers ? ` data-headers="${escapeHtml(headers)}"` : ''}${
    principals.length ? ` data-principals="${escapeHtml(JSON.stringify(principals))}"` : ''
  }>Loading the explorer…</div>
<noscript>The explorer needs JavaScript. POST queries to ${escapeHtml(endpoint)} instead.</noscript>
<script src="${EXPLORER_ASSETS}react.production.min.js"></script>
<script src="${EXPLORER_ASSETS}react-dom.production.min.js"></script>
<script src="${EXPLORER_ASSETS}graphiql.min.js"></script>
<script src="${EXPLORER_ASSETS}explorer.js"></script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
