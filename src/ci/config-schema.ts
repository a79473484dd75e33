// The JSON schema of loopcheck.config.json (draft-07). Structure only: model,
// strategy, scenario, invariant and parameter names are checked against the
// registry afterwards (config.ts), with the same one-line error format.
// `loopcheck.config.schema.json` beside this file is the same schema for
// editors; a test keeps the two identical.

const EXPECTATIONS = ['holds', 'violated', 'incomplete-ok'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

const names = (what: string) => ({
  type: 'array',
  description: `${what} to check (default: the model's defaults)`,
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string', minLength: 1 },
});

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'loopcheck configuration',
  description:
    'What `loopcheck verify` runs and the verdict expected of each cell. Comments (// and /* */) are allowed.',
  type: 'object',
  additionalProperties: false,
  required: ['runs'],
  properties: {
    $schema: { type: 'string', description: 'path or URL of this schema, for editors' },
    plugins: {
      type: 'array',
      description: 'files (.ts or .js, relative to this config) exporting strategies or model families, which the runs can then name',
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
    },
    limits: { $ref: '#/definitions/limits' },
    runs: {
      type: 'array',
      description: 'model runs; each expands to strategies x scenarios searches',
      minItems: 1,
      items: { $ref: '#/definitions/run' },
    },
  },
  definitions: {
    limits: {
      type: 'object',
      description: 'search limits; a search they cut short is incomplete (command-line limits override these)',
      additionalProperties: false,
      properties: {
        maxStates: { type: 'integer', minimum: 1, description: 'stop after storing this many distinct states' },
        maxDepth: { type: 'integer', minimum: 1, description: 'do not expand states deeper than this (initial = 1)' },
        timeLimit: { type: 'number', exclusiveMinimum: 0, maximum: 2147483, description: 'stop each search after this many seconds' },
      },
    },
    run: {
      type: 'object',
      additionalProperties: false,
      required: ['model'],
      properties: {
        name: { type: 'string', minLength: 1, description: 'label in reports (default: model and parameters)' },
        model: { type: 'string', minLength: 1, description: 'model family (see `loopcheck list`)' },
        params: {
          type: 'object',
          description: 'model parameters (default: their defaults)',
          additionalProperties: { type: 'integer' },
        },
        strategies: names('strategies'),
        scenarios: names('scenarios'),
        invariants: names('invariants (deadlock included)'),
        limits: { $ref: '#/definitions/limits' },
        expect: {
          type: 'object',
          description:
            'expected verdict per cell "<strategy> / <scenario> / <invariant>" (parts the model lacks are left out); cells not listed must hold',
          additionalProperties: { enum: [...EXPECTATIONS] },
        },
      },
    },
  },
} as const;
