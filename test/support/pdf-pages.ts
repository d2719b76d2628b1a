/**
 * A PDF's pages as PNG (poppler's pdftoppm) and as text (pdftotext), for tests that look at exported reports:
 * how many pages, how much of each page is ink (a tiny PNG decoder: 8-bit greyscale or RGB, non-interlaced, as
 * pdftoppm writes), and the words on each page.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

export interface PngGray {
  width: number;
  height: number;
  /** One byte per pixel, row by row (0 black … 255 white). */
  pixels: Uint8Array;
}

/** Decodes an 8-bit greyscale or RGB non-interlaced PNG (undoes the per-row filters) into grey levels. */
export function decodeGrayPng(buf: Buffer): PngGray {
  let off = 8;
  let width = 0;
  let height = 0;
  let bpp = 1;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 0 && data[9] !== 2) || data[12] !== 0) throw new Error('not an 8-bit greyscale/RGB non-interlaced PNG');
      bpp = data[9] === 2 ? 3 : 1;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      let p = 0;
      if (f === 1) p = a;
      else if (f === 2) p = b;
      else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) {
        const e = a + b - c;
        const pa = Math.abs(e - a);
        const pb = Math.abs(e - b);
        const pc = Math.abs(e - c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = (row[x]! + p) & 0xff;
    }
  }
  const px = new Uint8Array(width * height);
  for (let i = 0; i < px.length; i++) {
    let sum = 0;
    for (let k = 0; k < bpp; k++) sum += out[i * bpp + k]!;
    px[i] = Math.round(sum / bpp);
  }
  return { width, height, pixels: px };
}

/** Share (0–1) of pixels darker than mid-grey. */
export function inkShare(png: PngGray): number {
  let dark = 0;
  for (const v of png.pixels) if (v < 128) dark++;
  return dark / png.pixels.length;
}

export interface RenderedPage {
  png: string;
  image: PngGray;
  text: string;
}

/**
 * Writes `pdf` into `dir`, renders every page to `<name>-N.png` at `dpi`, and reads each page's text. `dir` (shared
 * by several test files, which may run at the same time in the two forks) is created when missing, and only this
 * name's pages of an earlier run are removed: a test never depends on another having made the folder, nor empties it.
 */
export function renderPdf(pdf: Buffer, dir: string, name: string, dpi = 60): RenderedPage[] {
  const isPage = (f: string) => f.startsWith(`${name}-`) && /^\d+\.png$/.test(f.slice(name.length + 1));
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (isPage(f)) rmSync(join(dir, f), { force: true });
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-png', '-gray', '-r', String(dpi), file, join(dir, name)], { timeout: 60_000 });
  const pngs = readdirSync(dir)
    .filter(isPage)
    .sort((a, b) => Number(/-(\d+)\.png$/.exec(a)![1]) - Number(/-(\d+)\.png$/.exec(b)![1]));
  return pngs.map((f, i) => ({
    png: join(dir, f),
    image: decodeGrayPng(readFileSync(join(dir, f))),
    text: execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), file, '-'], { encoding: 'utf8', timeout: 60_000 }),
  }));
}
