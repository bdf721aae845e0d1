import { LLD_SECTIONS } from '../sections.js';

/**
 * A small, valid LLD written for tests (not taken from any recorded run). Options swap one part at a
 * time so each test shows exactly what it breaks.
 */
export interface SampleLldOptions {
  title?: string;
  /** Body rows of the 2.1 table, without the header. */
  fileRows?: string[];
  /** Body rows of the 10.1 table, without the header. */
  scenarioRows?: string[];
  /** Section numbers to leave out. */
  omit?: number[];
  /** Replaces the heading line of a section: number → whole line. */
  headings?: Record<number, string>;
}

export const DEFAULT_FILE_ROWS = [
  '| `src/clock/clock.ts` | Modify | Add a monotonic reading |',
  '| `src/clock/timer.ts` | Add | Timer built on the clock |',
];

export const DEFAULT_SCENARIO_ROWS = [
  '| T010 | Timer fires after delay | Unit | 5 s delay | callback once | callback count is 1 after 5 s |',
  '| T020 | Cancel before firing | Unit | cancel at 2 s | no callback | callback count is 0 after 10 s |',
];

export function sampleLld(options: SampleLldOptions = {}): string {
  const omit = new Set(options.omit ?? []);
  const parts: string[] = [options.title ?? '# 42 - Feature: Timers on the injected clock', ''];
  for (const { number, title } of LLD_SECTIONS) {
    if (omit.has(number)) continue;
    parts.push(options.headings?.[number] ?? `## ${number}. ${title}`, '');
    parts.push(...sectionBody(number, options), '');
  }
  return parts.join('\n');
}

function sectionBody(number: number, options: SampleLldOptions): string[] {
  switch (number) {
    case 2:
      return [
        'Timers read the injected clock.',
        '',
        '### 2.1 Files Changed',
        '',
        '| File | Change Type | Description |',
        '|------|-------------|-------------|',
        ...(options.fileRows ?? DEFAULT_FILE_ROWS),
        '',
        '### 2.2 Dependencies',
        '',
        'None.',
      ];
    case 6:
      return ['```mermaid', 'flowchart TD', '  A --> B', '```'];
    case 10:
      return [
        '### 10.1 Test Scenarios',
        '',
        '| ID | Scenario | Type | Input | Expected Output | Pass Criteria |',
        '|----|----------|------|-------|-----------------|---------------|',
        ...(options.scenarioRows ?? DEFAULT_SCENARIO_ROWS),
        '',
        '### 10.2 Test Commands',
        '',
        '```bash',
        'npx vitest run src/clock',
        '```',
      ];
    default:
      return [`Content of section ${number}.`];
  }
}
