import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding, clientAssets } from '../../server/http/client-assets.ts';
import { precompress } from '../../server/tools/precompress.ts';

// The built client as the browser gets it (issue 16): a small client folder written here and
// compressed by the build's own step, served by the handler the app mounts.

const HASHED_JS = '/assets/index-Ab12Cd34.js';
const HASHED_CSS = '/assets/index-Ef56Gh78.css';
const script = Buffer.from(
  Array.from({ length: 200 }, (_, i) => `export function f${i}(a){return a.map((x)=>x*${i}).filter(Boolean).join(",");}`).join('\n'),
);
const style = Buffer.from(Array.from({ length: 100 }, (_, i) => `.c${i}{margin:${i}px;padding:${i % 7}px;color:#123456}`).join('\n'));
const page = Buffer.from(
  `<!doctype html><html lang="fi"><head><meta charset="UTF-8"><title>D-task</title><script type="module" src="${HASHED_JS}"></script><link rel="stylesheet" href="${HASHED_CSS}"></head><body><div id="root"></div></body></html>\n`,
);

let dir: string;
let port: number;
let server: http.Server;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dtc-client-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, HASHED_JS), script);
  writeFileSync(path.join(dir, HASHED_CSS), style);
  writeFileSync(path.join(dir, 'index.html'), page);
  writeFileSync(path.join(dir, 'assets/tiny-0a1b2c3d.js'), 'x');
  mkdirSync(path.join(dir, '.vite'));
  writeFileSync(path.join(dir, '.vite/manifest.json'), '{"index.html":{"file":"assets/index-Ab12Cd34.js","isEntry":true}}');
  await precompress(dir);
  const app = express();
  app.use(clientAssets(dir));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The answer as it came over the wire: the path as written (not normalised), no decompression. */
function raw(urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decoders = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync } as const;

describe('precompressing the built client', () => {
  it('writes a Brotli and a gzip copy of each text file that decompress to the file, and none where compressing would grow it', () => {
    for (const [file, original] of [[HASHED_JS, script], [HASHED_CSS, style], ['/index.html', page]] as const) {
      const full = path.join(dir, file);
      expect(zlib.brotliDecompressSync(readFileSync(`${full}.br`))).toEqual(original);
      expect(zlib.gunzipSync(readFileSync(`${full}.gz`))).toEqual(original);
      expect(statSync(`${full}.br`).size).toBeLessThan(original.length);
    }
    expect(statSync(path.join(dir, `${HASHED_JS}.br`)).size).toBeLessThan(script.length / 3);
    expect(existsSync(path.join(dir, 'assets/tiny-0a1b2c3d.js.br'))).toBe(false);
    expect(existsSync(path.join(dir, 'assets/tiny-0a1b2c3d.js.gz'))).toBe(false);
    expect(existsSync(path.join(dir, '.vite/manifest.json.gz'))).toBe(false);
  });
});

describe('serving the built client', () => {
  it.each([
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0.5, gzip', 'gzip'],
  ] as const)('answers Accept-Encoding "%s" with the %s copy of the hashed script, cached as immutable', async (accept, encoding) => {
    const res = await raw(HASHED_JS, { 'Accept-Encoding': accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(res.headers.vary).toMatch(/Accept-Encoding/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(script.length / 3);
    expect(decoders[encoding](res.body)).toEqual(script);
    expect(res.headers.etag).toBeTruthy();
  });

  it('sends the file itself without Accept-Encoding, and when the browser prefers it or accepts neither', async () => {
    const cases: Record<string, string>[] = [{}, { 'Accept-Encoding': 'gzip;q=0.5, identity' }, { 'Accept-Encoding': 'deflate' }, { 'Accept-Encoding': 'br;q=0, gzip;q=0' }];
    for (const headers of cases) {
      const res = await raw(HASHED_CSS, headers);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(res.headers.vary).toMatch(/Accept-Encoding/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.body).toEqual(style);
      expect(Number(res.headers['content-length'])).toBe(style.length);
    }
  });

  it('answers HEAD with the headers of the GET and no body', async () => {
    const get = await raw(HASHED_JS, { 'Accept-Encoding': 'br' });
    const head = await raw(HASHED_JS, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-encoding', 'content-length', 'content-type', 'etag', 'cache-control', 'vary']) expect(head.headers[name]).toBe(get.headers[name]);
  });

  it('answers 304 to a revalidation of the same copy, and the whole other copy when the encoding differs', async () => {
    const first = await raw(HASHED_JS, { 'Accept-Encoding': 'gzip' });
    const etag = String(first.headers.etag);
    const again = await raw(HASHED_JS, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const other = await raw(HASHED_JS, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
    expect(other.status).toBe(200);
    expect(other.headers['content-encoding']).toBe('br');
    expect(other.headers.etag).not.toBe(etag);
  });

  it('revalidates the page itself on every load: index.html, the root and any client route', async () => {
    for (const urlPath of ['/index.html', '/', '/nurse', '/admin/users']) {
      const res = await raw(urlPath, { 'Accept-Encoding': 'gzip, br' });
      expect(res.status, urlPath).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-encoding']).toBe('br');
      expect(zlib.brotliDecompressSync(res.body)).toEqual(page);
    }
    const plain = await raw('/live');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toEqual(page);
  });

  it('answers 404 for a missing built file, a path out of the folder and the build records', async () => {
    for (const urlPath of ['/assets/index-missing.js', '/assets/index-missing.js.map', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/index.html', '/assets/%zz']) {
      const res = await raw(urlPath, { 'Accept-Encoding': 'br' });
      expect(res.status, urlPath).toBe(404);
      expect(res.body.toString()).toBe('Not found');
    }
    // A dot folder is not served: the client route answers with the page instead.
    const manifest = await raw('/.vite/manifest.json');
    expect(manifest.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('serves a file the build wrote after the server started (a rebuild needs no restart)', async () => {
    const later = Buffer.from('export const later = 1;\n'.repeat(50));
    writeFileSync(path.join(dir, 'assets/later-9z8y7x6w.js'), later);
    await precompress(dir);
    const res = await raw('/assets/later-9z8y7x6w.js', { 'Accept-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(zlib.gunzipSync(res.body)).toEqual(later);
  });
});

describe('choosing the encoding', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['identity', null],
    ['*', 'br'],
    ['*;q=0.5', 'br'],
    ['gzip;q=0.5', 'gzip'],
    ['gzip;q=0.5, identity', null],
    ['gzip;q=0.8, br;q=0.9', 'br'],
    ['GZIP', 'gzip'],
    ['br;q=abc, gzip', 'gzip'],
    ['br, identity;q=0', 'br'],
  ] as const)('Accept-Encoding %j -> %s', (header, expected) => {
    expect(chooseEncoding(header, ['br', 'gzip'])).toBe(expected);
  });

  it('offers only the copies that exist', () => {
    expect(chooseEncoding('br, gzip', ['gzip'])).toBe('gzip');
    expect(chooseEncoding('br', ['gzip'])).toBeNull();
    expect(chooseEncoding('br, gzip', [])).toBeNull();
  });
});
