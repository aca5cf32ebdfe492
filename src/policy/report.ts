/** The policy run as a person reads it: each failure with its reason, a line per file, and what no expectation exercises. */
import type { PolicyReport } from './run.js';

export function renderReport(report: PolicyReport): { text: string; failed: boolean } {
  const lines: string[] = [];
  let failed = false;
  for (const { file, outcomes } of report.files) {
    const held = outcomes.filter((o) => o.observed === o.expectation.decision).length;
    lines.push(`${held === outcomes.length ? '✓' : '✗'} ${file}: ${held} of ${outcomes.length} expectations hold`);
    for (const { expectation: e, observed, note } of outcomes) {
      if (observed === e.decision) continue;
      failed = true;
      const what = `${e.principal} ${e.action} ${e.resource}`;
      lines.push(observed === null ? `    ? ${what}: cannot be checked: ${note}` : `    ✗ ${what}: expected ${e.decision}, got ${observed}`, ...(observed === null ? [] : [`        ${note}`]));
    }
  }
  lines.push('', `Coverage: ${report.ruled - report.uncovered.length} of ${report.ruled} role rules exercised (a field's own rule, or a type's).`);
  if (report.uncovered.length > 0) lines.push('Not exercised by any expectation:', `  ${report.uncovered.join(', ')}`);
  return { text: lines.join('\n'), failed };
}
