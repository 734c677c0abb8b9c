/** The bad-values corpus: every package proves its schema refuses malformed and hostile values. */
import { BAD_VALUES_FILE, MIN_BAD_VALUES_CASES, parseBadValues } from '../bad-values';
import type { Rule } from './rule';

export const CORPUS_RULES: readonly Rule[] = [
  {
    id: 'corpus.bad-values',
    rationale: 'A schema is only as strict as the bad inputs it was shown to refuse: wrong types, YAML 1.1 traps, unknown keys, injection strings.',
    fix: `Ship ${BAD_VALUES_FILE} in the package folder with at least ${MIN_BAD_VALUES_CASES} cases, each rejected at its path.`,
    *check(subject) {
      const corpus = subject.corpus;
      if (!corpus) return;
      if (corpus.text === undefined) {
        yield { object: corpus.file, message: 'is missing' };
        return;
      }
      const parsed = parseBadValues(corpus.text);
      for (const p of parsed.problems) yield { object: corpus.file, message: p };
      if (parsed.cases.length < MIN_BAD_VALUES_CASES) yield { object: corpus.file, message: `has ${parsed.cases.length} cases; at least ${MIN_BAD_VALUES_CASES} are required` };
      for (const c of parsed.cases) {
        const problems = corpus.validate(c.values);
        if (problems.length === 0) yield { object: corpus.file, path: c.path, message: `case "${c.case}" is accepted by the values schema` };
        else if (!problems.some((p) => p.path === c.path)) {
          yield { object: corpus.file, path: c.path, message: `case "${c.case}" is rejected elsewhere: ${problems.map((p) => p.path || '(root)').join(', ')}` };
        }
      }
    },
  },
];
