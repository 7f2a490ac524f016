// Goal: the selector scanner finds every metric an expression reads, with its label matchers,
// and never mistakes a function, a keyword, a grouping label, a string or a Grafana variable
// for a metric, so that the metric-name test can neither miss an invented name nor fail on a
// real expression.
import { promqlSelectors } from './promql-selectors';

const metricsOf = (expression: string) => promqlSelectors(expression).map((s) => s.metric);

test('a histogram quantile reads its bucket series, not its grouping labels', () => {
  const expression = 'histogram_quantile(0.99, sum by (le, route) (rate('
    + 'http_request_duration_seconds_bucket{job=~"$job", route!~"/health/.*"}'
    + '[$__rate_interval])))';
  expect(promqlSelectors(expression)).toEqual([{
    metric: 'http_request_duration_seconds_bucket',
    matchers: [
      { label: 'job', op: '=~', value: '$job' },
      { label: 'route', op: '!~', value: '/health/.*' },
    ],
  }]);
});

test('both sides of a binary operation, with grouping after the call and vector matching', () => {
  const expression = 'sum(rate(a_total{x="1"}[5m])) by (job) / on (job) group_left '
    + 'sum without (instance) (b_gauge) > bool 0.05 and c unless d offset 5m';
  expect(metricsOf(expression)).toEqual(['a_total', 'b_gauge', 'c', 'd']);
});

test('strings, numbers and durations are not metrics', () => {
  const expression = 'label_replace(up{job="sagas"}, "service", "$1", "job", "(.*)") * 1e3 '
    + '+ max_over_time(x_seconds[1h:5m]) - 0.5';
  expect(metricsOf(expression)).toEqual(['up', 'x_seconds']);
});

test('escaped quotes and braces inside matcher values stay in the value', () => {
  const [selector] = promqlSelectors('m{route="/v1/{id}", note="say \\"hi\\""}');
  expect(selector?.matchers).toEqual([
    { label: 'route', op: '=', value: '/v1/{id}' },
    { label: 'note', op: '=', value: 'say "hi"' },
  ]);
});

test('a selector without a name, or with unreadable matchers, is refused', () => {
  expect(() => promqlSelectors('{__name__=~"tng_.*"}')).toThrow('without a metric name');
  expect(() => promqlSelectors('m{job}')).toThrow('unreadable label matchers');
  expect(() => promqlSelectors('rate(m[5m')).toThrow('unclosed range');
});
