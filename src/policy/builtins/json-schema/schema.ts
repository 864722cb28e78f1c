// The compiled form of a JSON Schema: gojsonschema's SubSchema (OPA internal/gojsonschema
// subSchema.go), one node per schema object, linked to the node of its `$ref` target. Pure types.
import type { CompiledPattern } from './pattern.ts';
import type { NumberBound } from './decimal.ts';

export const Draft = { D4: 4, D6: 6, D7: 7, Hybrid: 1_000_000 } as const;
export type Draft = (typeof Draft)[keyof typeof Draft];

export interface SubSchema {
  draft: Draft;
  /** The property (or keyword) this schema was found under; `properties` children match by it. */
  property: string;
  /** `true`/`false` schemas (draft 6 and later). */
  pass?: boolean;
  types: string[];
  refSchema?: SubSchema;
  items: SubSchema[];
  itemsIsSingleSchema: boolean;
  properties: SubSchema[];
  multipleOf?: NumberBound;
  maximum?: NumberBound;
  exclusiveMaximum?: NumberBound;
  minimum?: NumberBound;
  exclusiveMinimum?: NumberBound;
  minLength?: number;
  maxLength?: number;
  pattern?: { source: string; compiled: CompiledPattern };
  format: string;
  minProperties?: number;
  maxProperties?: number;
  required: string[];
  dependencies?: Map<string, string[] | SubSchema>;
  additionalProperties?: boolean | SubSchema;
  patternProperties?: Map<string, { compiled: CompiledPattern; schema: SubSchema }>;
  propertyNames?: SubSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: SubSchema;
  additionalItems?: boolean | SubSchema;
  /** `const` and `enum` values, each as Go's json.Marshal writes it after a float64 round trip. */
  constValue?: string;
  enumValues?: string[];
  oneOf: SubSchema[];
  anyOf: SubSchema[];
  allOf: SubSchema[];
  not?: SubSchema;
  if?: SubSchema;
  then?: SubSchema;
  else?: SubSchema;
}

export function newSubSchema(property: string, draft: Draft): SubSchema {
  return {
    draft,
    property,
    types: [],
    items: [],
    itemsIsSingleSchema: false,
    properties: [],
    format: '',
    required: [],
    uniqueItems: false,
    oneOf: [],
    anyOf: [],
    allOf: [],
  };
}
