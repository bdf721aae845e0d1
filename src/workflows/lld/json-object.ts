export type FindJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The one JSON object a model's answer holds: the whole text, the content of its single code fence,
 * or the single top-level `{…}` in surrounding prose. Two candidates are refused rather than chosen
 * between, because picking one would be a guess.
 */
export function findJsonObject(text: string): FindJsonResult {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { ok: false, reason: 'The response was empty.' };
  if (trimmed.startsWith('{')) {
    const whole = tryParse(trimmed);
    if (whole.ok) return whole;
  }

  const fences = splitFences(trimmed);
  const fenced = fences.json;
  if (fenced.length > 1) {
    return { ok: false, reason: `The response holds ${fenced.length} JSON code blocks; send exactly one JSON object.` };
  }
  if (fenced.length === 1) {
    const parsed = tryParse(fenced[0] ?? '');
    return parsed.ok ? parsed : { ok: false, reason: `The JSON code block is not valid JSON (${parsed.reason}).` };
  }

  const spans = topLevelObjects(fences.prose);
  const parsed = spans.map(tryParse);
  const objects = parsed.filter((result) => result.ok);
  const [only] = objects;
  if (objects.length === 1 && only) return only;
  if (objects.length > 1) {
    return { ok: false, reason: `The response holds ${objects.length} separate JSON objects; send exactly one.` };
  }
  const failure = parsed.find((result) => !result.ok);
  if (failure && !failure.ok) return { ok: false, reason: `The response's JSON is not valid (${failure.reason}).` };
  return { ok: false, reason: 'The response holds no JSON object.' };
}

function tryParse(text: string): FindJsonResult {
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

interface Fences {
  /** Contents of fences whose info is json-like or empty and whose content starts with `{`. */
  json: string[];
  /** The text with every other fenced block removed: example code is not the answer. */
  prose: string;
}

function splitFences(text: string): Fences {
  const json: string[] = [];
  const prose: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^\s*(`{3,}|~{3,})\s*([A-Za-z]*)\s*$/.exec(lines[index] ?? '');
    if (!open?.[1]) {
      prose.push(lines[index] ?? '');
      continue;
    }
    const marker = open[1];
    let close = index + 1;
    while (close < lines.length) {
      const match = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[close] ?? '');
      if (match?.[1] && match[1][0] === marker[0] && match[1].length >= marker.length) break;
      close += 1;
    }
    const content = lines
      .slice(index + 1, close)
      .join('\n')
      .trim();
    const info = (open[2] ?? '').toLowerCase();
    if ((info === '' || info === 'json' || info === 'jsonc') && content.startsWith('{')) json.push(content);
    index = close;
  }
  return { json, prose: prose.join('\n') };
}

/** Balanced `{…}` spans at the top level of the text, skipping braces inside JSON strings. */
function topLevelObjects(text: string): string[] {
  const spans: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"' && depth > 0) inString = true;
    else if (character === '{') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (character === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0) spans.push(text.slice(start, index + 1));
    }
  }
  return spans;
}
