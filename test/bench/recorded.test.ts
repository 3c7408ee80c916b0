/**
 * bench/results.md keeps its "Recorded runs" sections when `npm run bench` regenerates the parts
 * above them, and a standalone benchmark replaces only its own section.
 */
import t from 'tap';
import { RECORDED_HEADING, recordedPart, withRecordedSection } from '../../bench/lib/recorded.js';

const generated = '# netpol-guard benchmarks\n\n## Summary\n\n| a | b |\n\n## Details\n\n### 1. Engine\n\ntext\n';

t.test('a first section adds the Recorded runs heading after the generated text', async (t) => {
  const out = withRecordedSection(generated, 'Admission latency', 'figures A');
  t.ok(out.startsWith(generated.trimEnd()), 'the generated text is kept as it was');
  const recorded = recordedPart(out);
  t.ok(recorded.startsWith(`${RECORDED_HEADING}\n`));
  t.match(recorded, /### Admission latency\n\nfigures A\n$/);
  t.notMatch(recorded, '### 1. Engine', 'generated sections are not part of the recorded ones');
});

t.test('writing a section again replaces it and leaves the others', async (t) => {
  let out = withRecordedSection(generated, 'Admission latency', 'figures A');
  out = withRecordedSection(out, 'Per-request cost', 'figures B');
  out = withRecordedSection(out, 'Admission latency', 'figures A2');
  const recorded = recordedPart(out);
  t.equal(recorded.match(/### Admission latency/g)?.length, 1, 'one section per title');
  t.match(recorded, /### Admission latency\n\nfigures A2\n/);
  t.notMatch(recorded, 'figures A\n');
  t.match(recorded, /### Per-request cost\n\nfigures B\n/);
  t.ok(recorded.indexOf('Admission latency') < recorded.indexOf('Per-request cost'), 'sections keep their order');
});

t.test('no Recorded runs: nothing to keep', async (t) => {
  t.equal(recordedPart(generated), '');
});
