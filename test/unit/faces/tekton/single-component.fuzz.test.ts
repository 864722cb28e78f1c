// The labels file is written by the kubelet from labels whoever started the PipelineRun chose:
// any bytes give labels or a typed InputError, never another exception.
import { test } from 'node:test';
import { InputError } from '../../../../src/errors.ts';
import { parseLabelsFile } from '../../../../src/faces/tekton/single-component.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';

test('parseLabelsFile: labels or an InputError for any text', () =>
  fuzz(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.array(fc.tuple(fc.string(), fc.string())).map((pairs) => pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n')),
      ),
      (text) => {
        try {
          const labels = parseLabelsFile(text, 'labels');
          for (const [k, v] of labels) if (typeof k !== 'string' || typeof v !== 'string') return false;
          return true;
        } catch (err) {
          return err instanceof InputError;
        }
      },
    ),
  ));
