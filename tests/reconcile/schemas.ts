// The Reconciliation Service API 0.2's JSON schemas (manifest, result batch, suggest, extension, proposed properties), re-expressed as a small checker.
//
// Re-expressed rather than vendored: the fields each schema requires, their types and patterns, read from the
// specification's schemas (reconciliation-api.github.io/specs/0.2/schemas/), written here in our own form.

export type Schema =
  | { type: 'string'; pattern?: RegExp; enum?: readonly string[] }
  | { type: 'number' | 'integer' | 'boolean' }
  | { type: 'array'; items?: Schema; contains?: Schema }
  | {
      type: 'object';
      required?: readonly string[];
      properties?: Record<string, Schema>;
      /** Every other member's value must fit this (patternProperties ".*"). */
      values?: Schema;
      closed?: boolean;
    }
  | { oneOf: readonly Schema[] };

/** The problems of `value` against `schema` (empty when it fits), each with its JSON path. */
export function check(schema: Schema, value: unknown, at = '$'): string[] {
  if ('oneOf' in schema) {
    const fits = schema.oneOf.filter((s) => check(s, value, at).length === 0).length;
    return fits === 1 ? [] : [`${at}: fits ${fits} of the alternatives, not exactly one`];
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: not a string`];
      if (schema.pattern && !schema.pattern.test(value))
        return [`${at}: ${JSON.stringify(value)} !~ ${schema.pattern}`];
      if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${value} not in ${schema.enum.join(', ')}`];
      return [];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [`${at}: not a number`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: not an array`];
      const out = schema.items ? value.flatMap((v, i) => check(schema.items as Schema, v, `${at}[${i}]`)) : [];
      if (schema.contains && !value.some((v) => check(schema.contains as Schema, v).length === 0)) {
        out.push(`${at}: contains no required item`);
      }
      return out;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const o = value as Record<string, unknown>;
      const out: string[] = [];
      for (const r of schema.required ?? []) if (!(r in o)) out.push(`${at}: lacks required "${r}"`);
      for (const [k, v] of Object.entries(o)) {
        const s = schema.properties?.[k] ?? schema.values;
        if (s) out.push(...check(s, v, `${at}.${k}`));
        else if (schema.closed) out.push(`${at}: "${k}" is not allowed`);
      }
      return out;
    }
  }
}

const str: Schema = { type: 'string' };
const ID_TEMPLATE = /\{\{id\}\}/;
const typeRef: Schema = {
  oneOf: [{ type: 'object', required: ['id'], properties: { id: str, name: str } }, str],
};
const service: Schema = {
  type: 'object',
  properties: { service_url: str, service_path: str, flyout_service_url: str, flyout_service_path: str },
};

export const MANIFEST: Schema = {
  type: 'object',
  required: ['versions', 'name', 'identifierSpace', 'schemaSpace'],
  properties: {
    versions: { type: 'array', items: str, contains: { type: 'string', enum: ['0.2'] } },
    name: str,
    identifierSpace: str,
    schemaSpace: str,
    documentation: str,
    serviceVersion: str,
    logo: str,
    view: { type: 'object', required: ['url'], properties: { url: { type: 'string', pattern: ID_TEMPLATE } } },
    defaultTypes: {
      type: 'array',
      items: { type: 'object', required: ['id', 'name'], properties: { id: str, name: str } },
    },
    suggest: { type: 'object', properties: { entity: service, property: service, type: service } },
    preview: {
      type: 'object',
      required: ['url', 'width', 'height'],
      properties: {
        url: { type: 'string', pattern: ID_TEMPLATE },
        width: { type: 'integer' },
        height: { type: 'integer' },
      },
    },
    extend: {
      type: 'object',
      properties: {
        propose_properties: { type: 'object', properties: { service_url: str, service_path: str } },
        property_settings: { type: 'array' },
      },
    },
  },
};

const candidate: Schema = {
  type: 'object',
  required: ['id', 'name', 'score'],
  properties: {
    id: str,
    name: str,
    description: str,
    score: { type: 'number' },
    match: { type: 'boolean' },
    type: { type: 'array', items: typeRef },
    features: {
      type: 'array',
      items: { type: 'object', properties: { id: str, value: { oneOf: [{ type: 'boolean' }, { type: 'number' }] } } },
    },
  },
};

/** One query's answer (also the 0.1 single-query answer). */
export const RESULT: Schema = {
  type: 'object',
  required: ['result'],
  properties: { result: { type: 'array', items: candidate } },
};

export const RESULT_BATCH: Schema = { type: 'object', values: RESULT };

const suggestion = (extra: Record<string, Schema> = {}): Schema => ({
  type: 'object',
  required: ['result'],
  properties: {
    result: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: str, name: str, description: str, ...extra },
      },
    },
  },
});
export const SUGGEST_ENTITIES = suggestion({ notable: { type: 'array', items: typeRef } });
export const SUGGEST_TYPES = suggestion();
export const SUGGEST_PROPERTIES = suggestion();

export const PROPOSED_PROPERTIES: Schema = {
  type: 'object',
  required: ['properties'],
  properties: {
    type: str,
    limit: { type: 'integer' },
    properties: {
      type: 'array',
      items: { type: 'object', required: ['id', 'name'], properties: { id: str, name: str, description: str } },
    },
  },
};

const DATE_TIME =
  /^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9]):([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$/;
const cellValue: Schema = {
  oneOf: [
    { type: 'object', closed: true },
    { type: 'object', required: ['id', 'name'], closed: true, properties: { id: str, name: str, description: str } },
    { type: 'object', required: ['str'], closed: true, properties: { str } },
    { type: 'object', required: ['float'], closed: true, properties: { float: { type: 'number' } } },
    { type: 'object', required: ['int'], closed: true, properties: { int: { type: 'integer' } } },
    { type: 'object', required: ['date'], closed: true, properties: { date: { type: 'string', pattern: DATE_TIME } } },
  ],
};

export const EXTENSION_RESPONSE: Schema = {
  type: 'object',
  required: ['rows', 'meta'],
  properties: {
    meta: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        properties: {
          id: str,
          name: str,
          type: { type: 'object', required: ['id'], properties: { id: str, name: str } },
          service: { type: 'string', pattern: /^https?:\/\// },
        },
      },
    },
    rows: { type: 'object', values: { type: 'object', values: { type: 'array', items: cellValue } } },
  },
};
