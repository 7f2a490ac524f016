// Prints the AsyncAPI 3 document of the integration topics (built by
// shared/integration/asyncapi.document.ts from the event schemas):
//   node bin/run-ts.cjs scripts/asyncapi.ts > docs/asyncapi.yaml
// shared/integration/asyncapi.unit.test.ts fails when the committed file differs.
import { asyncApiText } from '../shared/integration/asyncapi.document';

process.stdout.write(asyncApiText());
