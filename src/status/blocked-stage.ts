import type { WorkflowName } from '../core/items.js';

/**
 * The stage a blocked item stopped at, read from its audit trail: a blocked run ends by finalizing its
 * document (stage `done`), which says nothing about where a human has to look. The last lineage entry
 * that belongs to a stage names it: `review 2` for a second verdict, `validate` for mechanical
 * problems, `code 3` or `green run 3` for an implementation. Undefined when no entry names a stage.
 *
 * `names` are lineage file names (`004-verdict.md`) or entry names (`verdict.md`), in trail order.
 */
export function blockedStage(workflow: WorkflowName, names: readonly string[]): string | undefined {
  const stageOf = workflow === 'implement' ? implementStage() : reviewLoopStage();
  let stage: string | undefined;
  for (const name of names) stage = stageOf(name.replace(/^\d{3,}-/, '')) ?? stage;
  return stage;
}

/** draft → validate → review → revise, counting verdicts for the round. */
function reviewLoopStage(): (name: string) => string | undefined {
  let verdicts = 0;
  return (name) => {
    switch (name) {
      case 'issue.md':
        return 'load';
      case 'draft.md':
      case 'rejected-draft.md':
        return verdicts === 0 ? 'draft' : `revise ${verdicts}`;
      case 'autofix.md':
      case 'validation.md':
        return 'validate';
      case 'verdict.md':
        verdicts += 1;
        return `review ${verdicts}`;
      case 'rejected-verdict.md':
        return `review ${verdicts + 1}`;
      default:
        return undefined;
    }
  };
}

/** write tests → red run → code N → green run N. */
function implementStage(): (name: string) => string | undefined {
  let iteration = 0;
  return (name) => {
    if (name === 'lld.md') return 'load';
    if (/^tests-\d+-/.test(name) || name === 'tests-applied.md') return 'write tests';
    if (name === 'red-run.md') return 'red run';
    const code = /^code-(\d+)-/.exec(name);
    if (code) {
      iteration = Number(code[1]);
      return `code ${iteration}`;
    }
    if (name === 'code-applied.md') return `code ${iteration}`;
    const run = /^test-run-(\d+)\.md$/.exec(name);
    if (run) return `green run ${run[1]}`;
    return undefined;
  };
}
