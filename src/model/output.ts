// What a report is rendered from, and the formats it can be rendered to (ec's `--output` names, and
// vouch's own). Shared by the configuration (which parses `--output`), the report writers and the faces.
import type { PolicyInput } from './policy-input.ts';
import type { Report } from './report.ts';

export const FORMATS = ['json', 'yaml', 'text', 'summary', 'summary-markdown', 'appstudio', 'hacbs', 'junit', 'attestation', 'policy-input'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(f: string): f is Format {
  return (FORMATS as readonly string[]).includes(f);
}

export interface RenderContext {
  report: Report;
  policyInputs: PolicyInput[];
  createdAt: Date;
  color: boolean;
  showSuccesses: boolean;
  showWarnings: boolean;
  showPolicyDocsLink: boolean;
  warningsAsPasses?: boolean;
}
