/**
 * Limits on what one lead file may cost, so that a hostile or broken file is refused with a message that names
 * the limit instead of exhausting the memory of whatever parses it. A row that breaks a per-field limit is rejected
 * on its own (the rest of the file is imported); a file that breaks a per-file limit fails as a whole.
 */
export interface ImportLimits {
  /** Characters in one cell (every column: name, custom fields …). Longer → that row is rejected. */
  fieldChars: number;
  /** Fields in one row. More → that row is rejected. */
  fieldsPerRow: number;
  /** Data rows in one file. */
  rows: number;
  /** XLSX: bytes inflated from the whole archive (all entries). */
  decompressedBytes: number;
  /** XLSX: entries in the zip archive. */
  zipEntries: number;
  /** XLSX: strings in the shared-string table. */
  sharedStrings: number;
  /** XLSX: characters kept from the shared-string table (each string at most `fieldChars`). */
  sharedStringChars: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  fieldChars: 1024,
  fieldsPerRow: 1000,
  rows: 1_000_000,
  decompressedBytes: 256 * 1024 * 1024,
  zipEntries: 1000,
  sharedStrings: 1_000_000,
  sharedStringChars: 32 * 1024 * 1024,
};

/** A file-level limit was hit: the whole import fails with this message (e.g. "shared strings exceed 1,000,000"). */
export class ImportLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportLimitError';
  }
}

/** 1000000 → "1,000,000". */
export const count = (n: number): string => n.toLocaleString('en-US');

/** A size the way people read it: 41943040 → "40 MB", 2500 → "2.4 KB". */
export function size(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(n >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
