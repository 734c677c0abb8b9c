/**
 * Package changelogs (`catalog/<name>/CHANGELOG.md`), written by hand in the Keep a Changelog
 * format: one `## [x.y.z] - YYYY-MM-DD` section per released version, newest first, and an
 * optional `## [Unreleased]` section on top for changes not yet released.
 */
import * as semver from 'semver';

/** One `## [...]` section. */
export interface ChangelogSection {
  /** `Unreleased` or a version, exactly as written in the heading. */
  readonly title: string;
  /** The version, when the title is one. */
  readonly version?: string;
  /** `YYYY-MM-DD` after the heading. @default - none */
  readonly date?: string;
  /** The section text, heading included. */
  readonly text: string;
}

export interface Changelog {
  /** Everything before the first section (title and introduction). */
  readonly preamble: string;
  readonly sections: readonly ChangelogSection[];
}

const SECTION_HEADING = /^## \[?([^\]\s]+)\]?(?:\s+-\s+(\S+))?\s*$/;

/** Splits a changelog into its sections. */
export function parseChangelog(text: string): Changelog {
  const lines = text.split('\n');
  let preamble: string[] = [];
  const sections: { title: string; date?: string; lines: string[] }[] = [];
  for (const line of lines) {
    const heading = SECTION_HEADING.exec(line);
    if (heading) sections.push({ title: heading[1], date: heading[2], lines: [line] });
    else if (sections.length) sections[sections.length - 1].lines.push(line);
    else preamble.push(line);
  }
  if (!sections.length) preamble = lines;
  return {
    preamble: preamble.join('\n'),
    sections: sections.map((s) => ({
      title: s.title,
      ...(semver.valid(s.title) ? { version: s.title } : {}),
      ...(s.date ? { date: s.date } : {}),
      text: s.lines.join('\n'),
    })),
  };
}

/**
 * The changelog as shipped with the chart of `version`: released sections up to that version
 * only. Notes under `Unreleased` (or for later versions) stay out, so writing them does not
 * change the chart's content before the version is bumped.
 */
export function releasedChangelog(text: string, version: string): string {
  const { preamble, sections } = parseChangelog(text);
  const kept = sections.filter((s) => s.version !== undefined && semver.lte(s.version, version));
  const body = [preamble.trimEnd(), ...kept.map((s) => s.text.trimEnd())].filter((part) => part.length > 0);
  return `${body.join('\n\n')}\n`;
}

/** Problems with the entry for `version` (missing, undated); empty when it is in order. */
export function changelogEntryProblems(text: string, version: string): string[] {
  const section = parseChangelog(text).sections.find((s) => s.version === version);
  if (!section) return [`has no '## [${version}] - YYYY-MM-DD' section for the current version`];
  const problems: string[] = [];
  if (!section.date || !/^\d{4}-\d{2}-\d{2}$/.test(section.date)) {
    problems.push(`section ${version} needs a release date as '## [${version}] - YYYY-MM-DD'`);
  }
  if (!/^\s*[-*] \S/m.test(section.text)) problems.push(`section ${version} lists no changes (add '- ...' items under ### Added/Changed/Fixed/...)`);
  return problems;
}
