// The environment variables the project documents: every `NAME` in the "Configuration"
// section of docs/operations.md (its table and the paragraph after it). Deployment files
// (infra/k8s) may set only these, so that an operator can look each one up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const OPERATIONS_DOC = join(__dirname, '..', '..', 'docs', 'operations.md');
const SECTION_HEADING = '## Configuration';

export function documentedVariables(): ReadonlySet<string> {
  const text = readFileSync(OPERATIONS_DOC, 'utf8');
  const start = text.indexOf(`\n${SECTION_HEADING}\n`);
  if (start < 0) throw new Error(`docs/operations.md has no "${SECTION_HEADING}" section`);
  const end = text.indexOf('\n## ', start + SECTION_HEADING.length + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return new Set([...section.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!));
}
