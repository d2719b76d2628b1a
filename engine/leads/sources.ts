import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { readCsvRecordBatches, type CsvRecord } from './csv-reader.js';

export type LeadFileFormat = 'csv' | 'xlsx';
export type LeadFileInput = string | Readable;

export function formatFromName(fileName: string): LeadFileFormat {
  return /\.xlsx$/i.test(fileName) ? 'xlsx' : 'csv';
}

/** Records of a CSV file or stream, with line numbers, in batches (one per chunk read). */
export function csvRecords(input: LeadFileInput, delimiter?: string): AsyncGenerator<CsvRecord[]> {
  const stream = typeof input === 'string' ? createReadStream(input, { highWaterMark: 256 * 1024 }) : input;
  return readCsvRecordBatches(stream as AsyncIterable<Buffer>, { delimiter });
}

/** Approximate data rows of a CSV file (newlines minus the header), for progress bars. Cheap: counts bytes. */
export async function countCsvRows(path: string): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  if (last !== 10) lines++;
  return Math.max(0, lines - 1);
}
