// An in-toto statement (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md), as
// decoded from a verified DSSE payload. Shared by every layer.

export interface InTotoStatement {
  _type: string;
  subject: { name?: string; digest: Record<string, string>; [key: string]: unknown }[];
  predicateType: string;
  predicate?: unknown;
  [key: string]: unknown;
}
