// Goal: the history answers CSV only to a client that prefers it to JSON.
import type { FastifyRequest } from 'fastify';
import { wantsCsv } from './history.handlers';

const asking = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } }) as
  unknown as FastifyRequest;

test.each([
  ['text/csv', true],
  ['text/csv; charset=utf-8', true],
  ['TEXT/CSV', true],
  ['application/json, text/csv', false],
  ['application/json;q=0.5, text/csv', true],
  ['text/csv;q=0.1, */*', false],
  ['text/csv;q=0, application/json', false],
  ['text/html, text/csv', true],
  ['*/*', false],
  [undefined, false],
])('Accept %j: CSV %s', (accept, csv) => {
  expect(wantsCsv(asking(accept))).toBe(csv);
});
