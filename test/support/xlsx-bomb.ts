import { writeFileSync } from 'node:fs';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/** One zip entry, already compressed. */
interface Entry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
  /** What the central directory claims the entry inflates to (a lying bomb under-declares). */
  declared: number;
}

const small = (name: string, text: string): Entry => {
  const raw = Buffer.from(text);
  return { name, data: deflateRawSync(raw), crc: crc32(raw), size: raw.length, declared: raw.length };
};

/** Deflates `count` repetitions of `unit(i)` in streaming fashion: the inflated text never exists in memory. */
async function streamed(name: string, head: string, unit: (i: number) => string, count: number, tail: string): Promise<Entry> {
  const deflate = createDeflateRaw({ level: 6 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((r) => deflate.on('end', r));
  let crc = 0;
  let size = 0;
  const write = async (s: string): Promise<void> => {
    const b = Buffer.from(s);
    crc = crc32(b, crc);
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(head);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += unit(i);
    if (chunk.length >= 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + tail);
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), crc, size, declared: size };
}

function zip(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declared, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, e.data);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt32LE(e.crc >>> 0, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.declared, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
  '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>';
const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const WORKBOOK =
  '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
  '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets></workbook>';
const WORKBOOK_RELS =
  '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>';
const SHEET =
  '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
  '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row></sheetData></worksheet>';

export interface BombFile {
  compressedBytes: number;
  inflatedBytes: number;
  sharedStrings: number;
}

/**
 * The "shared strings" bomb of issue #11: a small XLSX (~3.4 MB) whose sharedStrings.xml inflates to ~530 MB
 * (4.5 M strings). Written twice from one compression pass: `honest` declares the real sizes in its zip directory,
 * `lying` under-declares them as an attacker would, so that only counting what is really inflated can catch it.
 * Generated in streaming fashion (the inflated text never exists in memory); nothing big is committed.
 */
export async function writeSharedStringsBombs(paths: { honest?: string; lying?: string }, o: { strings?: number } = {}): Promise<BombFile> {
  const strings = o.strings ?? 4_500_000;
  const pad = 'x'.repeat(101);
  const sst = await streamed(
    'xl/sharedStrings.xml',
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings}" uniqueCount="${strings}"><si><t>phone</t></si><si><t>name</t></si><si><t>88887777</t></si><si><t>Ana</t></si>`,
    (i) => `<si><t>${pad}${i % 10}</t></si>`,
    strings,
    '</sst>',
  );
  const parts = [
    small('[Content_Types].xml', CONTENT_TYPES),
    small('_rels/.rels', ROOT_RELS),
    small('xl/workbook.xml', WORKBOOK),
    small('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    small('xl/worksheets/sheet1.xml', SHEET),
  ];
  const honest = zip([...parts, sst]);
  if (paths.honest !== undefined) writeFileSync(paths.honest, honest);
  if (paths.lying !== undefined) writeFileSync(paths.lying, zip([...parts, { ...sst, declared: 4096 }]));
  return { compressedBytes: honest.length, inflatedBytes: sst.size, sharedStrings: strings + 4 };
}

/** An archive with `entries` tiny files (the entry-count limit). */
export function writeManyEntries(path: string, entries: number): void {
  writeFileSync(path, zip(Array.from({ length: entries }, (_, i) => small(`xl/media/f${i}.xml`, '<a/>'))));
}
