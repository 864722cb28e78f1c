// `builtin.attestation.syntax_check`: SLSA provenance v0.2 and v1 statements checked against the
// structure the SLSA specs require (the same rules as the JSON schemas ec validates with). A tiny
// validator for exactly the schema keywords these need; messages follow the jsonschema library ec
// uses (`[I#/path] [S#/keyword] …`) so reports read the same.

type Schema =
  | { $ref: string }
  | {
      type?: 'object' | 'array' | 'string' | 'boolean';
      const?: string;
      enum?: string[];
      required?: string[];
      properties?: Record<string, Schema>;
      additionalProperties?: Schema;
      propertyNames?: { enum: string[] };
      items?: Schema;
      minItems?: number;
      minLength?: number;
      pattern?: string;
      format?: 'uri' | 'date-time';
    };

const DIGEST_ALGORITHMS = [
  'sha256',
  'sha224',
  'sha384',
  'sha512',
  'sha512_224',
  'sha512_256',
  'sha3_224',
  'sha3_256',
  'sha3_384',
  'sha3_512',
  'shake128',
  'shake256',
  'blake2b',
  'blake2s',
  'ripemd160',
  'sm3',
  'gost',
  'sha1',
  'md5',
];

const digestSet = (extra: string[] = []): Schema => ({
  type: 'object',
  propertyNames: { enum: [...DIGEST_ALGORITHMS, ...extra] },
  additionalProperties: { type: 'string', pattern: '^[a-f0-9]+$' },
});
const timestamp: Schema = { type: 'string', format: 'date-time', pattern: 'Z$' };
const subject = (digest: Schema): Schema => ({
  type: 'array',
  minItems: 1,
  items: { type: 'object', properties: { name: { type: 'string', minLength: 1 }, digest }, required: ['name', 'digest'] },
});

const DEFS: Record<string, Schema> = {
  DigestSet02: digestSet(),
  DigestSet1: digestSet(['gitCommit']),
  Timestamp: timestamp,
  ResourceDescriptor: {
    type: 'object',
    properties: {
      uri: { type: 'string' },
      digest: { $ref: 'DigestSet1' },
      name: { type: 'string' },
      downloadLocation: { type: 'string' },
      mediaType: { type: 'string' },
      content: { type: 'string' },
      annotations: { type: 'object' },
    },
  },
};

const SLSA_V02: Schema = {
  type: 'object',
  properties: {
    _type: { const: 'https://in-toto.io/Statement/v0.1' },
    subject: subject({ $ref: 'DigestSet02' }),
    predicateType: { const: 'https://slsa.dev/provenance/v0.2' },
    predicate: {
      type: 'object',
      properties: {
        builder: { type: 'object', properties: { id: { type: 'string', format: 'uri' } }, required: ['id'] },
        buildType: { type: 'string' },
        invocation: {
          type: 'object',
          properties: {
            configSource: {
              type: 'object',
              properties: { uri: { type: 'string' }, digest: { $ref: 'DigestSet02' }, entryPoint: { type: 'string', minLength: 1 } },
            },
            parameters: { type: 'object' },
            environment: { type: 'object' },
          },
        },
        metadata: {
          type: 'object',
          properties: {
            buildInvocationId: { type: 'string', minLength: 1 },
            buildStartedOn: { $ref: 'Timestamp' },
            buildFinishedOn: { $ref: 'Timestamp' },
            completeness: {
              type: 'object',
              properties: { parameters: { type: 'boolean' }, environment: { type: 'boolean' }, materials: { type: 'boolean' } },
            },
            reproducible: { type: 'boolean' },
          },
        },
        buildConfig: { type: 'object' },
        materials: { type: 'array', items: { type: 'object', properties: { uri: { type: 'string' }, digest: { $ref: 'DigestSet02' } } } },
      },
      required: ['builder', 'buildType'],
    },
  },
  required: ['_type', 'subject', 'predicate'],
};

const SLSA_V1: Schema = {
  type: 'object',
  properties: {
    // v0.1 statements are accepted because Tekton Chains wrote them for v1 predicates (tektoncd/chains#920).
    _type: { enum: ['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1'] },
    subject: subject({ $ref: 'DigestSet1' }),
    predicateType: { const: 'https://slsa.dev/provenance/v1' },
    predicate: {
      type: 'object',
      properties: {
        buildDefinition: {
          type: 'object',
          properties: {
            buildType: { type: 'string', minLength: 1 },
            externalParameters: { type: 'object' },
            internalParameters: { type: 'object' },
            resolvedDependencies: { type: 'array', items: { $ref: 'ResourceDescriptor' } },
          },
          required: ['buildType', 'externalParameters'],
        },
        runDetails: {
          type: 'object',
          properties: {
            builder: {
              type: 'object',
              properties: {
                id: { type: 'string', format: 'uri' },
                builderDependencies: { type: 'array', items: { $ref: 'ResourceDescriptor' } },
                version: { type: 'object' },
              },
              required: ['id'],
            },
            metadata: {
              type: 'object',
              properties: { invocationId: { type: 'string', minLength: 1 }, startedOn: { $ref: 'Timestamp' }, finishedOn: { $ref: 'Timestamp' } },
            },
            byproducts: { type: 'array', items: { $ref: 'ResourceDescriptor' } },
          },
          required: ['builder'],
        },
      },
      required: ['buildDefinition', 'runDetails'],
    },
  },
  required: ['_type', 'subject', 'predicate'],
};

export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

const SCHEMAS: Record<string, Schema> = { [SLSA_PROVENANCE_V02]: SLSA_V02, [SLSA_PROVENANCE_V1]: SLSA_V1 };

interface Failure {
  instance: string;
  keyword: string;
  message: string;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function validFormat(format: 'uri' | 'date-time', v: string): boolean {
  if (format === 'date-time') return RFC3339.test(v) && !Number.isNaN(Date.parse(v));
  try {
    return new URL(v).protocol !== '';
  } catch {
    return false;
  }
}

function check(schema: Schema, value: unknown, inst: string, sch: string, out: Failure[]): void {
  if ('$ref' in schema) {
    check(DEFS[schema.$ref]!, value, inst, `${sch}/$ref`, out);
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    out.push({ instance: inst, keyword: `${sch}/const`, message: `value must be ${JSON.stringify(schema.const)}` });
  }
  if (schema.enum && !(typeof value === 'string' && schema.enum.includes(value))) {
    out.push({ instance: inst, keyword: `${sch}/enum`, message: `value must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  }
  if (schema.type) {
    const t = typeOf(value);
    const matches = schema.type === t || (schema.type === 'object' && t === 'object');
    if (!matches) {
      out.push({ instance: inst, keyword: `${sch}/type`, message: `expected ${schema.type}, but got ${t}` });
      return;
    }
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      out.push({ instance: inst, keyword: `${sch}/minLength`, message: `length must be >= ${schema.minLength}, but got ${[...value].length}` });
    }
    if (schema.format && !validFormat(schema.format, value)) {
      out.push({ instance: inst, keyword: `${sch}/format`, message: `${JSON.stringify(value)} is not valid ${JSON.stringify(schema.format)}` });
    }
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) {
      out.push({ instance: inst, keyword: `${sch}/pattern`, message: `does not match pattern ${JSON.stringify(schema.pattern)}` });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      out.push({ instance: inst, keyword: `${sch}/minItems`, message: `minimum ${schema.minItems} items required, but found ${value.length} items` });
    }
    if (schema.items) value.forEach((item, i) => check(schema.items!, item, `${inst}/${i}`, `${sch}/items`, out));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const missing = (schema.required ?? []).filter((k) => !(k in obj));
    if (missing.length > 0) {
      out.push({ instance: inst, keyword: `${sch}/required`, message: `missing properties: ${missing.map((k) => `'${k}'`).join(', ')}` });
    }
    for (const [k, v] of Object.entries(obj)) {
      const prop = schema.properties?.[k];
      if (prop) check(prop, v, `${inst}/${k}`, `${sch}/properties/${k}`, out);
      else if (schema.additionalProperties) check(schema.additionalProperties, v, `${inst}/${k}`, `${sch}/additionalProperties`, out);
      if (schema.propertyNames && !schema.propertyNames.enum.includes(k)) {
        out.push({ instance: inst, keyword: `${sch}/propertyNames`, message: `invalid propertyName ${JSON.stringify(k)}` });
      }
    }
  }
}

/** True when vouch has a schema for the predicate type (others pass through unchecked, as in ec). */
export function hasProvenanceSchema(predicateType: string): boolean {
  return predicateType in SCHEMAS;
}

/** The schema errors of one statement, rendered as ec does; `undefined` when it is valid. */
export function validateProvenanceStatement(statement: unknown, predicateType: string): string | undefined {
  const schema = SCHEMAS[predicateType];
  if (!schema) return undefined;
  const failures: Failure[] = [];
  check(schema, statement, '#', '#', failures);
  if (failures.length === 0) return undefined;
  const lines = failures.map((f) => `  [I${f.instance}] [S${f.keyword}] ${f.message}`);
  return `[I#] [S#] doesn't validate with ${predicateType}#\n${lines.join('\n')}`;
}
