import { afterAll } from 'vitest';
import { removeTemporaryRepositories } from './temporary-repository.js';

// Registered for every test file (vitest setupFiles): the temporary repositories a file made go with it.
afterAll(() => removeTemporaryRepositories());
