/**
 * A synthetic queue_log for the benchmark: calls through 8 queues and 60 agents with app_queue's event mix
 * (ENTERQUEUE, RINGNOANSWER, CONNECT, COMPLETE*, ABANDON, EXITWITHTIMEOUT, transfers), members added and
 * paused now and then, in time order, a few calls overlapping. Deterministic (seeded), written in 4 MiB blocks.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateQueueLog(file: string, lines: number, seed = 1): { lines: number; bytes: number } {
  const rand = rng(seed);
  const queues = ['sales', 'support', 'billing', 'retention', 'ventas', 'soporte', 'cobros', 'vip'];
  const agents = Array.from({ length: 60 }, (_, i) => `Agent ${String(i + 1).padStart(2, '0')}`);
  const fd = openSync(file, 'w');
  let out = '';
  let written = 0;
  let bytes = 0;
  const t0 = 1_767_225_600;
  let t = t0;
  let call = 0;
  // Lines due later (a call's CONNECT, its end) wait in a ring of per-second buckets, so the file is in time order.
  const RING = 1024;
  const ring: string[][] = Array.from({ length: RING }, () => []);
  const emit = (s: string) => {
    out += s;
    written++;
    if (out.length > 4_000_000) {
      bytes += writeSync(fd, out);
      out = '';
    }
  };
  const at = (epoch: number, rest: string) => ring[epoch % RING]!.push(`${epoch}|${rest}\n`);
  const flushUpTo = (end: number, from: number) => {
    for (let e = from; e < end; e++) {
      const b = ring[e % RING]!;
      for (const l of b) emit(l);
      b.length = 0;
    }
  };
  agents.forEach((a, i) => emit(`${t}|MANAGER|${queues[i % 8]}|${a}|ADDMEMBER|\n`));
  while (written < lines) {
    const next = t + 1 + Math.floor(rand() * 3);
    flushUpTo(next, t);
    t = next;
    const q = queues[Math.floor(rand() * 8)]!;
    const id = `${t}.${call++}`;
    const agent = agents[Math.floor(rand() * 60)]!;
    const wait = Math.floor(rand() * 40);
    emit(`${t}|${id}|${q}|NONE|ENTERQUEUE||5068${String(call % 10_000_000).padStart(7, '0')}|1\n`);
    if (rand() < 0.2) at(t + 5, `${id}|${q}|${agents[Math.floor(rand() * 60)]}|RINGNOANSWER|15000`);
    const r = rand();
    if (r < 0.78) {
      const talk = 20 + Math.floor(rand() * 300);
      at(t + wait, `${id}|${q}|${agent}|CONNECT|${wait}|${id}1|${Math.floor(rand() * 8)}`);
      if (rand() < 0.05) at(t + wait + talk, `${id}|${q}|${agent}|BLINDTRANSFER|700|from-queue|${wait}|${talk}|1`);
      else at(t + wait + talk, `${id}|${q}|${agent}|${rand() < 0.5 ? 'COMPLETEAGENT' : 'COMPLETECALLER'}|${wait}|${talk}|1`);
    } else if (r < 0.95) at(t + wait, `${id}|${q}|NONE|ABANDON|1|1|${wait}`);
    else at(t + 60, `${id}|${q}|NONE|EXITWITHTIMEOUT|1|1|60`);
    if (rand() < 0.01) {
      at(t + 1, `NONE|${q}|${agent}|PAUSE|Break`);
      at(t + 90, `NONE|${q}|${agent}|UNPAUSE|`);
    }
  }
  flushUpTo(t + RING, t);
  bytes += writeSync(fd, out);
  closeSync(fd);
  return { lines: written, bytes };
}
