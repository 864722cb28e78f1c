// gojsonschema's English messages (DefaultLocale in open-policy-agent/opa internal/gojsonschema/
// locales.go at v1.22.2, identical at v1.15.2 = 37b80cb7b620, which conforma/cli a18338416237
// pins), filled in as its text/template does: Go's %v of each detail. The release policy shows
// these strings to people and keys severities off them, so they are the same to the letter. Pure.

/** A big.Float as Go's fmt prints it (%v = shortest %g, exponent from 1e+06 and below 1e-04). */
function goBigFloat(x: number): string {
  if (x === 0) return '0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const sci = Number(exp);
  if (sci < -4 || sci >= 6) {
    const more = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]!}${more}e${sci < 0 ? '-' : '+'}${String(Math.abs(sci)).padStart(2, '0')}`;
  }
  const point = sci + 1; // digits before the decimal point
  const whole = point > 0 ? digits.slice(0, point).padEnd(point, '0') : '0';
  const fractionDigits = Math.max(digits.length - point, 0);
  let fraction = '';
  for (let i = point; i < point + fractionDigits; i++) fraction += i < 0 ? '0' : (digits[i] ?? '0');
  return `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** Validation error kinds (the `type` field) and their descriptions. */
export const Describe = {
  false: () => 'False always fails validation',
  required: (property: string) => `${property} is required`,
  invalid_type: (expected: string, given: string) => `Invalid type. Expected: ${expected}, given: ${given}`,
  number_any_of: () => 'Must validate at least one schema (anyOf)',
  number_one_of: () => 'Must validate one and only one schema (oneOf)',
  number_all_of: () => 'Must validate all the schemas (allOf)',
  number_not: () => 'Must not validate the schema (not)',
  missing_dependency: (dependency: string) => `Has a dependency on ${dependency}`,
  const: (field: string, allowed: string) => `${field} does not match: ${allowed}`,
  enum: (field: string, allowed: string) => `${field} must be one of the following: ${allowed}`,
  array_no_additional_items: () => 'No additional items allowed on array',
  array_min_items: (min: number) => `Array must have at least ${min} items`,
  array_max_items: (max: number) => `Array must have at most ${max} items`,
  unique: (i: number, j: number) => `array items[${i},${j}] must be unique`,
  contains: () => 'At least one of the items must match',
  array_min_properties: (min: number) => `Must have at least ${min} properties`,
  array_max_properties: (max: number) => `Must have at most ${max} properties`,
  additional_property_not_allowed: (property: string) => `Additional property ${property} is not allowed`,
  invalid_property_name: (property: string) => `Property name of "${property}" does not match`,
  string_gte: (min: number) => `String length must be greater than or equal to ${min}`,
  string_lte: (max: number) => `String length must be less than or equal to ${max}`,
  pattern: (pattern: string) => `Does not match pattern '${pattern}'`,
  format: (format: string) => `Does not match format '${format}'`,
  multiple_of: (multiple: number) => `Must be a multiple of ${goBigFloat(multiple)}`,
  number_gte: (min: number) => `Must be greater than or equal to ${goBigFloat(min)}`,
  number_gt: (min: number) => `Must be greater than ${goBigFloat(min)}`,
  number_lte: (max: number) => `Must be less than or equal to ${goBigFloat(max)}`,
  number_lt: (max: number) => `Must be less than ${goBigFloat(max)}`,
  condition_then: () => 'Must validate "then" as "if" was valid',
  condition_else: () => 'Must validate "else" as "if" was not valid',
} as const;

export type ErrorType = keyof typeof Describe;

/** Texts of schema compilation errors (what json.verify_schema reports after "jsonschema: "). */
export const SchemaText = {
  invalidType: (expected: string, given: string) => `Invalid type. Expected: ${expected}, given: ${given}`,
  regexPattern: (pattern: string) => `Invalid regex pattern '${pattern}'`,
  greaterThanZero: (key: string) => `${key} must be strictly greater than 0`,
  mustBeOfA: (x: string, y: string) => `${x} must be of a ${y}`,
  mustBeOfAn: (x: string, y: string) => `${x} must be of an ${y}`,
  cannotBeUsedWithout: (x: string, y: string) => `${x} cannot be used without ${y}`,
  cannotBeGT: (x: string, y: string) => `${x} cannot be greater than ${y}`,
  mustBeOfType: (key: string, type: string) => `${key} must be of type ${type}`,
  mustBeValidRegex: (key: string) => `${key} must be a valid regex`,
  mustBeGTEZero: (key: string) => `${key} must be greater than or equal to 0`,
  keyCannotBeGreaterThan: (key: string, y: string) => `${key} cannot be greater than ${y}`,
  keyItemsMustBeUnique: (key: string) => `${key} items must be unique`,
  referenceMustBeCanonical: (reference: string) => `Reference ${reference} must be canonical`,
  notAValidType: (given: string) =>
    `has a primitive type that is NOT VALID -- given: /${given}/ Expected valid values are:[array boolean integer number null object string]`,
  duplicated: (type: string) => `${type} type is duplicated`,
  parseError: (expected: string) => `Expected: ${expected}, given: Invalid JSON`,
} as const;

/** gojsonschema's names for what a keyword expects (locales.go constants). */
export const Expected = {
  number: 'Number',
  arrayOfStrings: 'Array Of Strings',
  arrayOfSchemas: 'Array Of Schemas',
  schema: 'Valid Schema',
  schemaOrArrayOfStrings: 'Schema Or Array Of Strings',
  properties: 'Properties',
  dependency: 'Dependency',
} as const;

/** The context root (StringContextRoot) and how an error's field and text are derived from it. */
export const ROOT = '(Root)';
