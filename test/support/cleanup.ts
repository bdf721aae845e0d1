import { afterAll } from 'vitest';
import { removeTemporaryRepositories } from '../../src/git/testing/temporary-repository.js';

// Registered for every test file (vitest setupFiles): the temporary repositories a file made go with it.
afterAll(() => removeTemporaryRepositories());
