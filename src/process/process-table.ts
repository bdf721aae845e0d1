import { readdir, readFile } from 'node:fs/promises';

/** One process as Linux's /proc shows it. */
export interface ProcessEntry {
  pid: number;
  /** `R`, `S`, `D`, `Z` (zombie), `X` (dead), … */
  state: string;
  parentPid: number;
  groupId: number;
}

/** One process from /proc, or undefined when it is gone (or there is no /proc). */
export async function readProcess(pid: number): Promise<ProcessEntry | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // "pid (command) state ppid pgrp …"; the command may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0] ?? '', parentPid: Number(fields[1]), groupId: Number(fields[2]) };
}

/** Every process /proc lists (empty where there is no /proc); ones that vanish while it is read are left out. */
export async function readProcessTable(): Promise<ProcessEntry[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const table: ProcessEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const process = await readProcess(Number(entry));
    if (process) table.push(process);
  }
  return table;
}
