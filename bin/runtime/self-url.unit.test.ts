// Goal: the server's own URL is one a client can connect to, whatever HOST binds.
import { selfUrl } from './self-url';

test.each([
  ['127.0.0.1', 'http://127.0.0.1:3000'],
  ['0.0.0.0', 'http://127.0.0.1:3000'],
  ['::', 'http://[::1]:3000'],
  ['::1', 'http://[::1]:3000'],
  ['localhost', 'http://localhost:3000'],
])('%s', (host, url) => expect(selfUrl(host, 3000)).toBe(url));
