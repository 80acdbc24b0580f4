import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

// The built client is compressed once at build time, not on every request: next to each text file
// lie `<name>.br` and `<name>.gz`, which the server (server/http/client-assets.ts) sends to a browser
// that accepts them. Brotli at its highest quality is slow to write but costs nothing to serve.

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** The encodings written beside a file, by the suffix of the compressed copy. */
export const ENCODED_SUFFIXES = { br: '.br', gzip: '.gz' } as const;

const COMPRESSIBLE = /\.(?:html|js|mjs|css|svg|json|txt|map)$/;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    // Dot folders (Vite's .vite/manifest.json) are build records, not served.
    entries.filter((entry) => !entry.name.startsWith('.')).map((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : Promise.resolve(entry.isFile() ? [full] : []);
    }),
  );
  return nested.flat();
}

async function compressFile(file: string): Promise<void> {
  const data = await readFile(file);
  const [br, gz] = await Promise.all([
    brotli(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gzip(data, { level: zlib.constants.Z_BEST_COMPRESSION }),
  ]);
  // A tiny file can come out bigger: then only the file itself is served.
  await Promise.all([
    br.length < data.length ? writeFile(file + ENCODED_SUFFIXES.br, br) : Promise.resolve(),
    gz.length < data.length ? writeFile(file + ENCODED_SUFFIXES.gzip, gz) : Promise.resolve(),
  ]);
}

/** Writes a Brotli and a gzip copy beside every text file under `dir`; returns the files compressed. */
export async function precompress(dir: string): Promise<string[]> {
  const files = (await filesUnder(dir)).filter((file) => COMPRESSIBLE.test(file));
  await Promise.all(files.map(compressFile));
  return files;
}

/** Vite plugin: compresses the output folder once the build has written it (also when `npm start` builds). */
export function precompressPlugin(): Plugin {
  let outDir = '';
  return {
    name: 'dtask:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      if ((await stat(outDir).catch(() => null))?.isDirectory()) await precompress(outDir);
    },
  };
}
