import { afterAll } from 'vitest';
import { removeTemporaryRepositories } from '../../src/git/testing/temporary-repository.js';

// Registered for every test file (vitest setupFiles): the temporary repositories a file made go with it.
afterAll(() => removeTemporaryRepositories());

// Tests run lldflow as outside CI whatever runs them: under GitHub Actions, a run a test starts with the
// environment copied would append its summary to the job's page and print annotations into its output,
// and a FORCE_COLOR of the caller's would colour output the tests read as plain text. A test that wants
// them sets them itself.
for (const name of ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'FORCE_COLOR']) Reflect.deleteProperty(process.env, name);
