import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../core/errors.js';
import { MachineSlots } from './machine-slots.js';

describe('MachineSlots', () => {
  it('says full at the cap and free below it; a job beyond the cap waits for a slot handed over', async () => {
    const changes: boolean[] = [];
    const slots = new MachineSlots(2, (full) => changes.push(full));
    const signal = new AbortController().signal;
    await slots.acquire(signal);
    await slots.acquire(signal);
    expect(changes).toEqual([true]);
    let third = false;
    const waiting = slots.acquire(signal).then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    slots.release();
    await waiting;
    // Handed straight over: still full, no change said.
    expect(changes).toEqual([true]);
    expect(slots.inUse).toBe(2);
    slots.release();
    expect(changes).toEqual([true, false]);
    expect(slots.inUse).toBe(1);
  });

  it('a waiting job that is aborted holds no slot and rejects with the reason', async () => {
    const slots = new MachineSlots(1, () => undefined);
    await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new InterruptedError('the worker is stopping'));
    await expect(waiting).rejects.toThrow('the worker is stopping');
    slots.release();
    expect(slots.inUse).toBe(0);
    await expect(slots.acquire(controller.signal)).rejects.toThrow('the worker is stopping');
  });
});
