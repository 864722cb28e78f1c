// The layers of src/ and the direction imports may take (docs/architecture.md): each layer may import
// only from the layers before it, type imports included, and nothing may import in a cycle.
//   model, util, errors.ts, version.ts  (leaves: shared shapes and helpers)
//   config → oci → sigstore → policy → report → validate → faces
// One face (cli.ts, github.ts, tekton.ts) never imports another; faces/main.ts picks one.
// `npm test` runs it (scripts/test.sh), and test/unit/architecture.test.ts shows it failing on an
// upward import.
const LAYERS = ['config', 'oci', 'sigstore', 'policy', 'report', 'validate', 'faces'];

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `src/${layer} may import only from ${['model', 'util', ...LAYERS.slice(0, i)].join(', ')} (and errors.ts, version.ts)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'leaves-import-no-layer',
      comment: 'src/model, src/util, errors.ts and version.ts are shared by every layer: they import none of them',
      severity: 'error',
      from: { path: '^src/(model/|util/|errors\\.ts$|version\\.ts$)' },
      to: { path: `^src/(${LAYERS.join('|')})/` },
    },
    {
      name: 'no-face-imports-another',
      comment: 'a face (cli, github, tekton) does not import another; what they share lives below them (src/validate/entry.ts)',
      severity: 'error',
      from: { path: '^src/faces/(cli|github|tekton)\\.ts$' },
      to: { path: '^src/faces/(cli|github|tekton)\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only ones included',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-from-tests',
      comment: 'shipped code never imports test code',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer must not even name a later layer's types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs'] },
  },
};
