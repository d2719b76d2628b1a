/**
 * Leads in and out of files: CSV/XLSX import into a campaign (column detection, per-row errors kept in the
 * import job, the good rows kept) and streamed CSV/XLSX export of leads and call results. Uses the store.
 */
export * from './import.js';
export * from './export.js';
export * from './limits.js';
export { readXlsxRecords } from './xlsx/reader.js';
