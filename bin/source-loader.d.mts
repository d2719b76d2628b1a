// Types of bin/source-loader.mjs (plain JavaScript: worker threads' entry files load it before any TypeScript).
export function moduleUrl(url: string | URL): Promise<string>;
export function importSource(url: string | URL): Promise<unknown>;
