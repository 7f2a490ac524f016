// Reads Prometheus' text exposition format, as a scraper does, so tests can ask for one
// series by its name and exact label set instead of matching substrings.
export type Labels = Readonly<Record<string, string>>;
export type Sample = Readonly<{ name: string; labels: Labels; value: number }>;

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE_LINE.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(LABEL_PAIR)].map((pair) => [pair[1]!, pair[2]!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

const sameLabels = (left: Labels, right: Labels): boolean =>
  Object.keys(left).length === Object.keys(right).length &&
  Object.entries(right).every(([name, value]) => left[name] === value);

/** The value of the series `name` with exactly `labels`, or undefined when it is absent. */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Labels = {},
): number | undefined {
  return samples.find((sample) => sample.name === name && sameLabels(sample.labels, labels))
    ?.value;
}
