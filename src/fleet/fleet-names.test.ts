import { describe, expect, it } from 'vitest';
import { jobIdFor, lockKeyOf, queueNameFor, repositoryIdentity } from './fleet-names.js';

describe('fleet names', () => {
  it('one repository is one identity, however its origin is written; another repository is another', () => {
    const ssh = repositoryIdentity('git@github.com:Acme/Widgets.git', '/home/a/widgets');
    expect(repositoryIdentity('https://github.com/acme/widgets', '/srv/ci/checkout')).toBe(ssh);
    expect(repositoryIdentity('https://x-access-token:ghp_secret@github.com/acme/widgets.git/', '/tmp/w')).toBe(ssh);
    expect(repositoryIdentity('https://github.com/acme/gadgets', '/home/a/widgets')).not.toBe(ssh);
    // Without an origin the folder is all there is.
    expect(repositoryIdentity(undefined, '/home/a/widgets')).not.toBe(repositoryIdentity(undefined, '/home/b/widgets'));
    expect(ssh).toMatch(/^[0-9a-f]{20}$/);
  });

  it('names a job by repository, workflow and item, and its lock under lldflow’s prefix', () => {
    const id = jobIdFor('abc123', 'lld', '42');
    expect(id).toBe('abc123.lld.42');
    expect(id).not.toContain(':');
    expect(lockKeyOf('items', id)).toBe('lldflow:bull:items:abc123.lld.42:lock');
    expect(queueNameFor('implement', 'abc123')).toBe('implement.abc123');
    expect(queueNameFor('issue', 'abc123')).toBe('items');
  });
});
