/**
 * The `servicelevel` of each queue in an Asterisk queues.conf. Sections are queues except [general] and
 * templates (`[name](!)`); a queue inherits from the templates it names (`[sales](tpl1,tpl2)`), later ones and
 * its own lines winning, like Asterisk's config engine. A queue without `servicelevel` has app_queue's default,
 * 0. `#include`/`#exec` are not followed: they are listed in `notes`. Pure: text in, map out.
 */
export interface QueuesConf {
  serviceLevels: Record<string, number>;
  notes: string[];
}

interface Section {
  name: string;
  template: boolean;
  parents: string[];
  values: Map<string, string>;
}

export function parseQueuesConf(text: string): QueuesConf {
  const sections: Section[] = [];
  const byName = new Map<string, Section>();
  const notes: string[] = [];
  let cur: Section | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/;.*$/, '').trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      notes.push(`line ${i + 1}: ${line.split(/\s+/)[0]} not followed`);
      return;
    }
    const head = /^\[([^\]]+)\]\s*(?:\(([^)]*)\))?$/.exec(line);
    if (head) {
      const opts = (head[2] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      cur = { name: head[1]!.trim(), template: opts.includes('!'), parents: opts.filter((o) => o !== '!' && o !== '+'), values: new Map() };
      sections.push(cur);
      byName.set(cur.name, cur);
      return;
    }
    const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!kv || !cur) {
      notes.push(`line ${i + 1}: not understood`);
      return;
    }
    (cur as Section).values.set(kv[1]!.trim().toLowerCase(), kv[2]!.trim());
  });
  const lookup = (s: Section, key: string, depth = 0): string | undefined => {
    const own = s.values.get(key);
    if (own !== undefined || depth > 10) return own;
    for (let i = s.parents.length - 1; i >= 0; i--) {
      const p = byName.get(s.parents[i]!);
      const v = p ? lookup(p, key, depth + 1) : undefined;
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const serviceLevels: Record<string, number> = {};
  for (const s of sections) {
    if (s.template || s.name.toLowerCase() === 'general') continue;
    const v = lookup(s, 'servicelevel');
    const n = v === undefined ? 0 : Number(v);
    if (!Number.isInteger(n) || n < 0) {
      notes.push(`[${s.name}] servicelevel "${v}" is not a whole number of seconds; 0 used`);
      serviceLevels[s.name] = 0;
    } else serviceLevels[s.name] = n;
  }
  return { serviceLevels, notes };
}

/**
 * `q=20,sales=30,*=25` from the command line or settings: per-queue seconds, `*` for every other queue.
 * Throws naming the bad item.
 */
export function parseServiceLevelList(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=]+)=(\d+)$/.exec(item);
    if (!m) throw new Error(`servicelevel "${item}" is not queue=seconds`);
    out[m[1]!.trim()] = Number(m[2]);
  }
  return out;
}

/**
 * A queue's service level: named on the command line, else its queues.conf `servicelevel`, else named in the
 * settings (QUEUE_SERVICE_LEVELS), else the `*` of the command line or settings, else `fallback`.
 */
export function serviceLevelResolver(
  cli: Record<string, number>,
  conf: Record<string, number>,
  settings: Record<string, number>,
  fallback: number,
): (queue: string) => number {
  return (q) => cli[q] ?? conf[q] ?? settings[q] ?? cli['*'] ?? settings['*'] ?? fallback;
}

/** Used when nothing names a queue's service level: the common 80/20 target's 20 seconds. */
export const DEFAULT_SERVICE_LEVEL_S = 20;
