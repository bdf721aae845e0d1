import { describe, expect, it } from 'vitest';
import { CheckpointStateError } from '../../core/errors.js';
import { initialImplementState, parseImplementState } from '../implement/implement-state.js';
import { initialState, parseLoopState } from '../review-loop/state.js';

describe('checkpointed states read back under their version', () => {
  it('gives back a state of this version as it was written, after a JSON round trip', () => {
    const loop = { ...initialState('2026-01-01T00-00-00Z', '2026-01-01T00:00:00.000Z'), stage: 'review' as const, document: '# 7 - T\n' };
    expect(parseLoopState(JSON.parse(JSON.stringify(loop)), 'lld')).toEqual(JSON.parse(JSON.stringify(loop)));
    const implement = initialImplementState('run', '2026-01-01T00:00:00.000Z');
    expect(parseImplementState(JSON.parse(JSON.stringify(implement)))).toEqual(JSON.parse(JSON.stringify(implement)));
  });

  it('refuses a state of a newer version as `newer`, saying what to do', () => {
    expect(() => parseImplementState({ ...initialImplementState('run', 'now'), version: 2 })).toThrow(
      /the implement checkpoint was written by a newer lldflow \(state version 2, this lldflow reads 1\): resume the item with that lldflow, or delete its file/,
    );
    expect(() => parseLoopState({ ...initialState('run', 'now'), version: 3 }, 'lld')).toThrow(
      expect.objectContaining({ name: 'CheckpointStateError', kind: 'newer' }) as Error,
    );
  });

  it('refuses a state without a version or of an unknown one as `damaged`', () => {
    const { version: _version, ...older } = initialState('run', 'now');
    expect(() => parseLoopState(older, 'lld')).toThrow(CheckpointStateError);
    expect(() => parseLoopState(older, 'lld')).toThrow(/the lld checkpoint holds a state this lldflow cannot read \(state version none/);
    expect(() => parseLoopState({ ...initialState('run', 'now'), version: 0 }, 'lld')).toThrow(
      expect.objectContaining({ kind: 'damaged' }) as Error,
    );
  });

  it('refuses a damaged state, naming the field', () => {
    const damaged = { ...initialState('run', 'now'), stage: 'reviewing', calls: 'three' };
    expect(() => parseLoopState(damaged, 'issue')).toThrow(/the issue checkpoint is damaged at stage/);
    expect(() => parseLoopState(damaged, 'issue')).toThrow(expect.objectContaining({ kind: 'damaged' }) as Error);
    expect(() => parseImplementState({ ...initialImplementState('run', 'now'), testRuns: [{ iteration: 1 }] })).toThrow(
      /damaged at testRuns\.0\.phase/,
    );
  });
});
