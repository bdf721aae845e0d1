import picocolors from 'picocolors';
import { describe, expect, it } from 'vitest';
import { ATTENTION_STATUSES, STATUS_ORDER, progressGroup, statusColor, styledStatus } from './status-style.js';

describe('status style', () => {
  it('lists every status once, the ones a human must look at after the others', () => {
    expect(STATUS_ORDER).toEqual(['succeeded', 'skipped', 'failed', 'invalid', 'blocked', 'interrupted', 'cancelled']);
    expect(ATTENTION_STATUSES).toEqual(['failed', 'invalid', 'blocked', 'interrupted', 'cancelled']);
  });

  it('colours succeeded green, skipped dim, failed and invalid red and the rest yellow', () => {
    const colors = picocolors.createColors(true);
    expect(styledStatus('succeeded', colors)).toBe(colors.green('succeeded'));
    expect(styledStatus('skipped', colors)).toBe(colors.dim('skipped'));
    expect(styledStatus('failed', colors)).toBe(colors.red('failed'));
    expect(styledStatus('invalid', colors)).toBe(colors.red('invalid'));
    for (const status of ['blocked', 'interrupted', 'cancelled'] as const)
      expect(statusColor(status, colors)('x')).toBe(colors.yellow('x'));
    expect(styledStatus('failed', picocolors.createColors(false))).toBe('failed');
  });

  it('counts skipped items as done, invalid ones as failed and interrupted or cancelled ones as stopped', () => {
    expect(STATUS_ORDER.map(progressGroup)).toEqual(['done', 'done', 'failed', 'failed', 'blocked', 'stopped', 'stopped']);
  });
});
